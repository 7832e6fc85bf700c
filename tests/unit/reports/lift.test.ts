import { describe, expect, test } from "vitest";
import { seededRandom } from "~/modules/platform/demo/sample-store";
import { computeLift, LIFT_MIN_GROUP_SIZE, newcombeInterval, wilsonInterval } from "~/modules/reports/lift";

/** Binomial(n, p) probabilities, only where they exceed 1e-9 (all the rest together cannot move a coverage figure by 1e-6). */
function binomial(n: number, p: number): { first: number; probs: number[] } {
  if (p === 0) return { first: 0, probs: [1] };
  const lnFactorial = [0];
  for (let i = 1; i <= n; i += 1) lnFactorial.push(lnFactorial[i - 1]! + Math.log(i));
  const probs: number[] = [];
  let first = -1;
  for (let k = 0; k <= n; k += 1) {
    const v = Math.exp(
      lnFactorial[n]! - lnFactorial[k]! - lnFactorial[n - k]! + k * Math.log(p) + (n - k) * Math.log1p(-p),
    );
    if (v < 1e-9) {
      if (first >= 0) break;
      continue;
    }
    if (first < 0) first = k;
    probs.push(v);
  }
  return { first, probs };
}

type Interval = (x1: number, n1: number, x0: number, n0: number) => [number, number];

/** Exact coverage: the probability, over every outcome of both groups, that the interval holds the true difference. */
function coverage(interval: Interval, n1: number, p1: number, n0: number, p0: number): number {
  const a = binomial(n1, p1);
  const b = binomial(n0, p0);
  const truth = p1 - p0;
  let covered = 0;
  for (let i = 0; i < a.probs.length; i += 1) {
    for (let j = 0; j < b.probs.length; j += 1) {
      const [low, high] = interval(a.first + i, n1, b.first + j, n0);
      // 1e-6: the report rounds rates to six decimals
      if (low - 1e-6 <= truth && truth <= high + 1e-6) covered += a.probs[i]! * b.probs[j]!;
    }
  }
  return covered;
}

/** The report's own interval, through computeLift (revenue plays no part in the conversion interval). */
const reported: Interval = (x1, n1, x0, n0) => {
  const lift = computeLift(
    { n: n1, conversions: x1, revenue: 0, revenueSquares: 0 },
    { n: n0, conversions: x0, revenue: 0, revenueSquares: 0 },
  );
  if (!lift) throw new Error("no lift");
  return [lift.conversionLiftLow, lift.conversionLiftHigh];
};

const SIZES = [1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000];
const RATES = [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5];

function gridPoints(randomPoints: number): [number, number, number, number][] {
  const points: [number, number, number, number][] = [];
  for (const n1 of SIZES)
    for (const n0 of SIZES) for (const p1 of RATES) for (const p0 of RATES) points.push([n1, p1, n0, p0]);
  // Plus seeded random points between the grid lines: sizes 1–1,000, rates 0–50%.
  const random = seededRandom(14);
  for (let i = 0; i < randomPoints; i += 1)
    points.push([1 + Math.floor(random() * 1000), random() * 0.5, 1 + Math.floor(random() * 1000), random() * 0.5]);
  return points;
}

describe("lift against the holdout", () => {
  test("the conversion interval covers the true difference ≥ 94% of the time at every grid point (sizes 1–1,000, rates 0–50%)", () => {
    let worst = { value: 1, at: "" };
    for (const [n1, p1, n0, p0] of gridPoints(60)) {
      const c = coverage(reported, n1, p1, n0, p0);
      if (c < worst.value) worst = { value: c, at: `sent ${n1} at ${p1}, held out ${n0} at ${p0}` };
    }
    // The old Wald interval: 0% at (1 sent at 10%, 1 held out at 0%) — both converting never gives a width.
    expect(worst.value, worst.at).toBeGreaterThanOrEqual(0.94);
  });

  test("why the continuity correction: without it (Newcombe's method 10) coverage averages 96% but dips below 94% at small rates", () => {
    const plain: Interval = (x1, n1, x0, n0) => newcombeInterval(x1, n1, x0, n0, { continuityCorrection: false });
    const values = gridPoints(0).map(([n1, p1, n0, p0]) => coverage(plain, n1, p1, n0, p0));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.95);
    expect(Math.min(...values)).toBeLessThan(0.94);
  });

  test("Wilson intervals match Newcombe's (1998) table: 0/10, 1/29, 81/263, with and without the correction", () => {
    expect(wilsonInterval(81, 263, { continuityCorrection: false }).map((v) => v.toFixed(4))).toEqual([
      "0.2553",
      "0.3662",
    ]);
    expect(wilsonInterval(81, 263).map((v) => v.toFixed(4))).toEqual(["0.2535", "0.3682"]);
    expect(wilsonInterval(0, 10, { continuityCorrection: false }).map((v) => v.toFixed(4))).toEqual([
      "0.0000",
      "0.2775",
    ]);
    expect(wilsonInterval(0, 10).map((v) => v.toFixed(4))).toEqual(["0.0000", "0.3445"]);
    expect(wilsonInterval(1, 29).map((v) => v.toFixed(4))).toEqual(["0.0018", "0.1963"]);
  });

  test("Newcombe's worked difference: 56/70 − 48/80 is 0.2000 with (0.0575, 0.3277) by method 10 and (0.0441, 0.3382) by method 11", () => {
    expect(newcombeInterval(56, 70, 48, 80, { continuityCorrection: false }).map((v) => v.toFixed(4))).toEqual([
      "0.0524",
      "0.3339",
    ]);
    expect(newcombeInterval(56, 70, 48, 80).map((v) => v.toFixed(4))).toEqual(["0.0428", "0.3422"]);
  });

  test("the issue's cases: 1 or 2 held-out customers give 'not enough data' and an interval that spans no lift", () => {
    const lift = computeLift(
      { n: 7, conversions: 5, revenue: 0, revenueSquares: 0 },
      { n: 2, conversions: 0, revenue: 0, revenueSquares: 0 },
    );
    expect(lift?.enoughData).toBe(false);
    expect(lift?.conversionLiftLow).toBeLessThan(0);
    expect(lift?.conversionLiftHigh).toBeGreaterThan(0.714);
    const enough = computeLift(
      { n: LIFT_MIN_GROUP_SIZE, conversions: 5, revenue: 0, revenueSquares: 0 },
      { n: LIFT_MIN_GROUP_SIZE, conversions: 0, revenue: 0, revenueSquares: 0 },
    );
    expect(enough).toMatchObject({ enoughData: true, sentRows: 10, heldOutRows: 10, conversionLift: 0.5 });
  });

  test("hand-computed revenue: 100 sent (20 converted), 50 held out (5 converted)", () => {
    // sent: 20 customers spent 1,000 each → revenue 20,000, squares 20 × 1,000²
    // held out: 5 customers spent 1,000 each → revenue 5,000
    const lift = computeLift(
      { n: 100, conversions: 20, revenue: 20_000, revenueSquares: 20 * 1_000_000 },
      { n: 50, conversions: 5, revenue: 5_000, revenueSquares: 5 * 1_000_000 },
    );
    expect(lift).not.toBeNull();
    if (!lift) return;
    expect(lift.sentConversion).toBe(0.2);
    expect(lift.heldOutConversion).toBe(0.1);
    expect(lift.conversionLift).toBe(0.1);
    const [low, high] = newcombeInterval(20, 100, 5, 50);
    expect(lift.conversionLiftLow).toBeCloseTo(low, 6);
    expect(lift.conversionLiftHigh).toBeCloseTo(high, 6);
    // means 200 and 100; variances (20e6 − 100·200²)/99 = 161616.16 and (5e6 − 50·100²)/49 = 91836.73
    const se = Math.sqrt(161616.1616 / 100 + 91836.7347 / 50);
    expect(lift.revenuePerRecipientLift).toBe(100);
    expect(lift.revenuePerRecipientLiftLow).toBeCloseTo(100 - 1.959964 * se, 2);
    expect(lift.incrementalRevenue).toBe(10_000);
    expect(lift.incrementalRevenueHigh).toBeCloseTo((100 + 1.959964 * se) * 100, 0);
  });

  test("no lift without both groups", () => {
    expect(
      computeLift(
        { n: 10, conversions: 1, revenue: 5, revenueSquares: 25 },
        { n: 0, conversions: 0, revenue: 0, revenueSquares: 0 },
      ),
    ).toBeNull();
  });
});
