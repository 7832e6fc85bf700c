// Wall-clock time in the shop's IANA timezone, with Intl only (no date library): scenario
// timing ("10:00 shop time") and quiet hours are defined on the shop's clock, not UTC.
//
// Local times that do not exist (a spring-forward gap) resolve to the same wall time shifted
// forward by the gap; local times that occur twice (fall-back) resolve to the first occurrence.
// This is Temporal's "compatible" disambiguation, so a 02:30 send on a DST day still happens.

export interface ZonedParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  /** 0–23 */
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** True for a timezone this runtime's Intl knows (IANA names, "UTC"). */
export function isValidTimeZone(timezone: string): boolean {
  if (!timezone) return false;
  if (formatters.has(timezone)) return true;
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The runtime's canonical spelling ("asia/tokyo" → "Asia/Tokyo"); throws on an unknown zone. */
export function canonicalTimeZone(timezone: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone: timezone }).resolvedOptions().timeZone;
}

export function zonedParts(date: Date, timezone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timezone).formatToParts(date)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ""),
  };
}

/** Minutes the zone is ahead of UTC at this instant (Tokyo: 540, New York in winter: −300). */
export function offsetMinutes(date: Date, timezone: string): number {
  const p = zonedParts(date, timezone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const wholeSeconds = Math.floor(date.getTime() / 1000) * 1000;
  return Math.round((asUtc - wholeSeconds) / MINUTE_MS);
}

/** The calendar date n days after the given one (months and years roll over). */
export function addLocalDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The UTC instant of a wall-clock time on a local calendar date in the zone. */
export function localTimeToInstant(date: LocalDate, hour: number, minute: number, timezone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // A transition sits between the offsets a day either side, so one of them is right.
  const before = offsetMinutes(new Date(wall - DAY_MS), timezone);
  const after = offsetMinutes(new Date(wall + DAY_MS), timezone);
  const matches = [before, after]
    .map((offset) => wall - offset * MINUTE_MS)
    .filter((instant) => {
      const p = zonedParts(new Date(instant), timezone);
      return (
        p.year === date.year && p.month === date.month && p.day === date.day && p.hour === hour && p.minute === minute
      );
    });
  if (matches.length > 0) return new Date(Math.min(...matches));
  // In a gap: read the wall time with the offset in force before the jump, i.e. shift forward.
  return new Date(wall - before * MINUTE_MS);
}

/** The UTC instant of hour:minute shop time on the shop-local date that `dateInZone` falls on. */
export function atLocalTime(dateInZone: Date, hour: number, minute: number, timezone: string): Date {
  const p = zonedParts(dateInZone, timezone);
  return localTimeToInstant({ year: p.year, month: p.month, day: p.day }, hour, minute, timezone);
}

/** The first instant of the shop-local day containing `date` (01:00 where midnight is skipped). */
export function startOfLocalDay(date: Date, timezone: string): Date {
  return atLocalTime(date, 0, 0, timezone);
}

/** The first instant strictly after `now` at which the shop's clock reads hour:00. */
export function nextLocalHour(now: Date, hour: number, timezone: string): Date {
  const p = zonedParts(now, timezone);
  const today: LocalDate = { year: p.year, month: p.month, day: p.day };
  for (let days = 0; days <= 2; days += 1) {
    const candidate = localTimeToInstant(addLocalDays(today, days), hour, 0, timezone);
    if (candidate.getTime() > now.getTime()) return candidate;
  }
  // Unreachable for real zones (a local hour recurs within two days); keeps the type total.
  return new Date(now.getTime() + DAY_MS);
}
