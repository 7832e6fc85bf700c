import type { Tx } from "~/db.server";
import { getShopSettings } from "~/modules/platform/settings/shop-settings.server";
import { formatLocalDate, localDate, parseLocalDate } from "~/modules/platform/time/local-dates";
import { localDaysToInstants } from "./range";
import type { ReportRange } from "./types";

export interface ReportRangeInput {
  /** YYYY-MM-DD, shop-local; default: the day of the shop's first counted order (else today) */
  from?: string | null;
  /** YYYY-MM-DD, shop-local, inclusive; default: today */
  to?: string | null;
  now?: Date;
}

/** Bad range input: the message says what to send instead (a route answers 400). */
export class ReportRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReportRangeError";
  }
}

export async function resolveReportRange(db: Tx, shopId: string, input: ReportRangeInput = {}): Promise<ReportRange> {
  const now = input.now ?? new Date();
  const parsedFrom = input.from ? parseLocalDate(input.from) : null;
  const parsedTo = input.to ? parseLocalDate(input.to) : null;
  if (input.from && !parsedFrom)
    throw new ReportRangeError(`from: "${input.from}" is not a date; use YYYY-MM-DD, e.g. 2026-01-01`);
  if (input.to && !parsedTo)
    throw new ReportRangeError(`to: "${input.to}" is not a date; use YYYY-MM-DD, e.g. 2026-12-31`);

  const [{ timezone }, shop] = await Promise.all([
    getShopSettings(db, shopId),
    db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { currency: true } }),
  ]);
  const toDate = parsedTo ?? localDate(now, timezone);
  let fromDate = parsedFrom;
  if (!fromDate) {
    const first = await db.order.findFirst({
      where: { shopId, counted: true },
      orderBy: { shopifyCreatedAt: "asc" },
      select: { shopifyCreatedAt: true },
    });
    fromDate = localDate(first?.shopifyCreatedAt ?? now, timezone);
    if (formatLocalDate(fromDate) > formatLocalDate(toDate)) fromDate = toDate;
  }
  if (formatLocalDate(fromDate) > formatLocalDate(toDate)) {
    throw new ReportRangeError(
      `from (${formatLocalDate(fromDate)}) is after to (${formatLocalDate(toDate)}); swap them`,
    );
  }
  const { from, to } = localDaysToInstants(fromDate, toDate, timezone);
  return {
    fromDate: formatLocalDate(fromDate),
    toDate: formatLocalDate(toDate),
    from,
    to,
    asOf: now,
    timezone,
    currency: shop.currency,
  };
}
