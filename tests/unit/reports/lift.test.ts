import { describe, expect, test } from "vitest";
import { computeLift } from "~/modules/reports/lift";

describe("lift against the holdout", () => {
  test("hand-computed: 100 sent (20 converted), 50 held out (5 converted)", () => {
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
    // se = sqrt(0.2·0.8/100 + 0.1·0.9/50) = sqrt(0.0016 + 0.0018) = 0.0583095
    expect(lift.conversionLiftLow).toBeCloseTo(0.1 - 1.959964 * 0.0583095, 5);
    expect(lift.conversionLiftHigh).toBeCloseTo(0.1 + 1.959964 * 0.0583095, 5);
    // means 200 and 100; variances (20e6 − 100·200²)/99 = 161616.16 and (5e6 − 50·100²)/49 = 91836.73
    const se = Math.sqrt(161616.1616 / 100 + 91836.7347 / 50);
    expect(lift.revenuePerRecipientLift).toBe(100);
    expect(lift.revenuePerRecipientLiftLow).toBeCloseTo(100 - 1.959964 * se, 2);
    expect(lift.incrementalRevenue).toBe(10_000);
    expect(lift.incrementalRevenueHigh).toBeCloseTo((100 + 1.959964 * se) * 100, 0);
  });

  test("no lift without both groups", () => {
    expect(computeLift({ n: 10, conversions: 1, revenue: 5, revenueSquares: 25 }, { n: 0, conversions: 0, revenue: 0, revenueSquares: 0 })).toBeNull();
  });
});
