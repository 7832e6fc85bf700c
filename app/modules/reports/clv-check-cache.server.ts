// The CLV model's split check for a range that runs to today (ADR 0016) refits BG/NBD on the
// orders before the last 13 weeks, which costs an order join; what it says barely moves within
// a day, so it is computed once per shop, range start and shop-local day and kept in
// ClvCheckCache. A row from another day or another zone is recomputed; a finished history
// import forgets the shop's rows (forgetClvChecks), since it can change the past.
import type { Tx } from "~/db.server";
import { isUniqueViolation } from "~/lib/db-errors";
import { formatLocalDate, localDate } from "~/modules/platform/time/local-dates";
import type { ClvReport, ReportRange } from "./types";

export type ClvCheckResult = Pick<ClvReport, "check" | "checkReason">;

/** The shop's split check for this range start today (shop-local), computing and storing it when there is none. */
export async function cachedSplitCheck(
  db: Tx,
  shopId: string,
  range: ReportRange,
  compute: () => Promise<ClvCheckResult>,
): Promise<ClvCheckResult> {
  const day = formatLocalDate(localDate(range.asOf, range.timezone));
  const where = { shopId_fromDate: { shopId, fromDate: range.fromDate } };
  const stored = await db.clvCheckCache.findUnique({ where, select: { day: true, timezone: true, result: true } });
  if (stored && stored.day === day && stored.timezone === range.timezone)
    return JSON.parse(stored.result) as ClvCheckResult;
  const result = await compute();
  const row = { day, timezone: range.timezone, result: JSON.stringify(result), computedAt: range.asOf };
  try {
    await db.clvCheckCache.upsert({ where, create: { shopId, fromDate: range.fromDate, ...row }, update: row });
  } catch (error) {
    // another report stored today's check first: the same figures
    if (!isUniqueViolation(error)) throw error;
  }
  return result;
}

/** Forgets the shop's stored checks (after something rewrote its past, e.g. a history import). */
export async function forgetClvChecks(db: Tx, shopId: string): Promise<void> {
  await db.clvCheckCache.deleteMany({ where: { shopId } });
}
