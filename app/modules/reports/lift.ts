// Lift against the holdout (pure). Each ledger row is one unit: a sent message or a held-out
// one, with its outcome in the attribution window after it was sent (or would have been).
// Conversion lift: difference of two proportions with the unpooled normal 95% interval;
// revenue per recipient: difference of means with Welch's standard error. Both are the
// large-sample approximations; with small groups the interval is wide, as it should be.
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

function variance(g: GroupOutcome): number {
  if (g.n < 2) return 0;
  const mean = g.revenue / g.n;
  return Math.max(0, (g.revenueSquares - g.n * mean * mean) / (g.n - 1));
}

export function computeLift(sent: GroupOutcome, heldOut: GroupOutcome): LiftEstimate | null {
  if (sent.n === 0 || heldOut.n === 0) return null;
  const p1 = sent.conversions / sent.n;
  const p0 = heldOut.conversions / heldOut.n;
  const conversionSe = Math.sqrt((p1 * (1 - p1)) / sent.n + (p0 * (1 - p0)) / heldOut.n);
  const m1 = sent.revenue / sent.n;
  const m0 = heldOut.revenue / heldOut.n;
  const revenueSe = Math.sqrt(variance(sent) / sent.n + variance(heldOut) / heldOut.n);
  const diff = m1 - m0;
  return {
    sentConversion: roundRate(p1),
    heldOutConversion: roundRate(p0),
    conversionLift: roundRate(p1 - p0),
    conversionLiftLow: roundRate(p1 - p0 - Z95 * conversionSe),
    conversionLiftHigh: roundRate(p1 - p0 + Z95 * conversionSe),
    revenuePerRecipientLift: roundMoney(diff),
    revenuePerRecipientLiftLow: roundMoney(diff - Z95 * revenueSe),
    revenuePerRecipientLiftHigh: roundMoney(diff + Z95 * revenueSe),
    incrementalRevenue: roundMoney(diff * sent.n),
    incrementalRevenueLow: roundMoney((diff - Z95 * revenueSe) * sent.n),
    incrementalRevenueHigh: roundMoney((diff + Z95 * revenueSe) * sent.n),
  };
}
