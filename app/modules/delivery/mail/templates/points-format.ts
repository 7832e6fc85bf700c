// Points figures and dates for the points, birthday and win-back templates: numbers grouped in
// the customer's language, and a shop-local "YYYY-MM-DD" written as a long date.
import type { Locale, MessageExtra } from "./types";

export function formatPoints(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** "2027-03-01" → "2027年3月1日" / "March 1, 2027" (the date is already the shop's calendar date). */
export function formatLocalDay(text: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return text;
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))),
  );
}

export function extraNumber(extra: MessageExtra | undefined, key: string): number | null {
  const value = extra?.[key];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function extraText(extra: MessageExtra | undefined, key: string): string | null {
  const value = extra?.[key];
  return typeof value === "string" && value.length > 0 ? value : null;
}
