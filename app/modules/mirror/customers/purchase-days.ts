// The CLV model's purchases (ADR 0016): distinct shop-local calendar days with a counted order.
// Kept on each customer as a rollup (Customer.purchaseDays, counted in purchaseDaysZone) so the
// CLV report of a range that runs to today reads customers, not orders. Pure.
import { offsetMinutes } from "~/modules/platform/time/shop-time";

const DAY_MS = 86_400_000;
const BUCKET_MS = 15 * 60_000;

/**
 * Counts the distinct local calendar days of the instants in the zone. UTC offsets change only
 * on quarter-hour UTC instants, so one offset lookup per quarter hour serves every instant in it.
 */
export function countPurchaseDays(
  instants: readonly Date[],
  timezone: string,
  /** offsets already looked up in this zone (per quarter-hour bucket), shared across calls */
  offsets = new Map<number, number>(),
): number {
  const days = new Set<number>();
  for (const at of instants) {
    const t = at.getTime();
    const bucket = Math.floor(t / BUCKET_MS);
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      offset = offsetMinutes(new Date(bucket * BUCKET_MS), timezone);
      offsets.set(bucket, offset);
    }
    days.add(Math.floor((t + offset * 60_000) / DAY_MS));
  }
  return days.size;
}
