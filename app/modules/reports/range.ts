// Shop-local date ranges: the merchant picks calendar days in the shop's timezone; the queries
// need UTC instants. Pure, so the boundaries are tested without a database.
import { addLocalDays, localTimeToInstant, type LocalDate } from "~/modules/platform/time/shop-time";
import { itemAt } from "~/lib/arrays";
import { localDate } from "~/modules/platform/time/local-dates";

/** The instants [from, to) covering the local days fromDate..toDate inclusive. */
export function localDaysToInstants(
  fromDate: LocalDate,
  toDate: LocalDate,
  timezone: string,
): { from: Date; to: Date } {
  return {
    from: localTimeToInstant(fromDate, 0, 0, timezone),
    to: localTimeToInstant(addLocalDays(toDate, 1), 0, 0, timezone),
  };
}

/** The same calendar day a year earlier (29 February → 28 February). */
export function sameDayLastYear(date: LocalDate): LocalDate {
  const year = date.year - 1;
  const lastDay = new Date(Date.UTC(year, date.month, 0)).getUTCDate();
  return { year, month: date.month, day: Math.min(date.day, lastDay) };
}

/** "YYYY-MM" → months since year 0 and back: cohorts are indexed by this number. */
export function monthIndex(year: number, month: number): number {
  return year * 12 + (month - 1);
}

export function monthKey(index: number): string {
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/**
 * Maps instants to shop-local month indexes quickly: the month starts (in UTC) of a span are
 * computed once with Intl, then each lookup is a binary search — 100,000 customers would
 * otherwise mean 100,000 Intl calls.
 */
export function localMonthIndexer(timezone: string, first: Date, last: Date): (instant: Date) => number {
  const start = localDate(first, timezone);
  const end = localDate(last, timezone);
  const firstIndex = monthIndex(start.year, start.month);
  const lastIndex = monthIndex(end.year, end.month) + 1;
  const starts: number[] = [];
  for (let m = firstIndex; m <= lastIndex; m += 1) {
    starts.push(
      localTimeToInstant({ year: Math.floor(m / 12), month: (m % 12) + 1, day: 1 }, 0, 0, timezone).getTime(),
    );
  }
  return (instant: Date) => {
    const t = instant.getTime();
    const first = starts[0];
    const last = starts.at(-1);
    if (first === undefined || last === undefined || t < first || t >= last) {
      const d = localDate(instant, timezone);
      return monthIndex(d.year, d.month);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (itemAt(starts, mid, "month start") <= t) lo = mid;
      else hi = mid;
    }
    return firstIndex + lo;
  };
}
