// Lift against the holdout (pure). Each ledger row is one unit: a sent message or a held-out
// one, with its outcome in the attribution window after it was sent (or would have been).
// Conversion lift: difference of two proportions with Newcombe's hybrid score interval
// (Newcombe 1998: each rate's continuity-corrected Wilson score interval, combined by the
// square-and-add rule). Unlike the normal (Wald) interval it keeps its coverage at small counts
// and at 0% conversion, where the Wald variance collapses to 0; tests/unit/reports/lift.test.ts
// measures the coverage exactly over a grid of group sizes and rates. Revenue per recipient: difference of means with Welch's standard
// error, a large-sample approximation — which is one reason for the minimum group size below.
import { roundMoney, roundRate } from "./stats";
import type { LiftEstimate } from "./types";

export interface GroupOutcome {
  /** ledger rows */
  n: number;
  /** rows followed by at least one counted order in the window */
  conversions: number;
  /** sum of the net revenue in the window (currency units) */
  revenue: number;
  /** sum of squares of each row's revenue */
  revenueSquares: number;
}

const Z95 = 1.959964;

/**
 * Below this many rows in either group the lift is reported as "not enough data yet": the
 * conversion interval is then wider than ±30 percentage points whatever the rates (at 0%
 * conversion in both groups of 10, the interval is −34.5 to +34.5 pp), and Welch's
 * revenue interval is not trustworthy. Documented in docs/reports.md.
 */
export const LIFT_MIN_GROUP_SIZE = 10;

/**
 * Wilson's score interval for x successes out of n (n ≥ 1), by default with the continuity
 * correction (Newcombe 1998, method 4; without it, method 3).
 */
export function wilsonInterval(
  x: number,
  n: number,
  options: { continuityCorrection?: boolean } = {},
): [number, number] {
  const p = x / n;
  const z2 = Z95 * Z95;
  if (options.continuityCorrection === false) {
    const centre = p + z2 / (2 * n);
    const spread = Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
    return [Math.max(0, (centre - spread) / (1 + z2 / n)), Math.min(1, (centre + spread) / (1 + z2 / n))];
  }
  const low =
    x === 0 ? 0 : (2 * n * p + z2 - 1 - Z95 * Math.sqrt(z2 - 2 - 1 / n + 4 * p * (n * (1 - p) + 1))) / (2 * (n + z2));
  const high =
    x === n ? 1 : (2 * n * p + z2 + 1 + Z95 * Math.sqrt(z2 + 2 - 1 / n + 4 * p * (n * (1 - p) - 1))) / (2 * (n + z2));
  return [Math.max(0, low), Math.min(1, high)];
}

/**
 * Newcombe's hybrid score interval for p1 − p0: the two Wilson intervals combined by the
 * square-and-add rule. With the continuity correction (the default) this is Newcombe's method
 * 11, without it method 10 — whose coverage averages 96% but dips to 90% at some small-rate
 * points, so the reports use method 11 (ADR 0016).
 */
export function newcombeInterval(
  x1: number,
  n1: number,
  x0: number,
  n0: number,
  options: { continuityCorrection?: boolean } = {},
): [number, number] {
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const [l1, u1] = wilsonInterval(x1, n1, options);
  const [l0, u0] = wilsonInterval(x0, n0, options);
  const d = p1 - p0;
  return [d - Math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)];
}

function variance(g: GroupOutcome): number {
  if (g.n < 2) return 0;
  const mean = g.revenue / g.n;
  return Math.max(0, (g.revenueSquares - g.n * mean * mean) / (g.n - 1));
}

export function computeLift(sent: GroupOutcome, heldOut: GroupOutcome): LiftEstimate | null {
  if (sent.n === 0 || heldOut.n === 0) return null;
  const p1 = sent.conversions / sent.n;
  const p0 = heldOut.conversions / heldOut.n;
  const [low, high] = newcombeInterval(sent.conversions, sent.n, heldOut.conversions, heldOut.n);
  const m1 = sent.revenue / sent.n;
  const m0 = heldOut.revenue / heldOut.n;
  const revenueSe = Math.sqrt(variance(sent) / sent.n + variance(heldOut) / heldOut.n);
  const diff = m1 - m0;
  return {
    enoughData: sent.n >= LIFT_MIN_GROUP_SIZE && heldOut.n >= LIFT_MIN_GROUP_SIZE,
    sentRows: sent.n,
    heldOutRows: heldOut.n,
    sentConversion: roundRate(p1),
    heldOutConversion: roundRate(p0),
    conversionLift: roundRate(p1 - p0),
    conversionLiftLow: roundRate(low),
    conversionLiftHigh: roundRate(high),
    revenuePerRecipientLift: roundMoney(diff),
    revenuePerRecipientLiftLow: roundMoney(diff - Z95 * revenueSe),
    revenuePerRecipientLiftHigh: roundMoney(diff + Z95 * revenueSe),
    incrementalRevenue: roundMoney(diff * sent.n),
    incrementalRevenueLow: roundMoney((diff - Z95 * revenueSe) * sent.n),
    incrementalRevenueHigh: roundMoney((diff + Z95 * revenueSe) * sent.n),
  };
}
