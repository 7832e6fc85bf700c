// Calendar helpers for the date-driven scenarios (points, birthday, win-back): what day it is on
// the shop's clock, as YYYY-MM-DD, and the instant of an hour on such a day.
import { localTimeToInstant, zonedParts, type LocalDate } from "~/modules/platform/time/shop-time";

export function localDate(at: Date, timezone: string): LocalDate {
  const p = zonedParts(at, timezone);
  return { year: p.year, month: p.month, day: p.day };
}

export function formatLocalDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}

/** "2026-11-02" → { year, month, day }; null for anything else, including days no calendar has (2026-02-29). */
export function parseLocalDate(text: unknown): LocalDate | null {
  const m = typeof text === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) : null;
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** hour:00 on that shop-local date. */
export function atHour(date: LocalDate, hour: number, timezone: string): Date {
  return localTimeToInstant(date, hour, 0, timezone);
}

/** The local hour now, to decide whether a daily scenario's planning window is open. */
export function localHour(at: Date, timezone: string): number {
  return zonedParts(at, timezone).hour;
}
