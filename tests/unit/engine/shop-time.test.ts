import fc from "fast-check";
import {
  addLocalDays,
  atLocalTime,
  canonicalTimeZone,
  isValidTimeZone,
  localTimeToInstant,
  nextLocalHour,
  offsetMinutes,
  startOfLocalDay,
  zonedParts,
} from "~/modules/platform/time/shop-time";

const utc = (iso: string) => new Date(iso);
const ZONES = [
  "Asia/Tokyo",
  "America/New_York",
  "Europe/London",
  "Australia/Lord_Howe",
  "Asia/Kathmandu",
  "America/Santiago",
  "America/Havana",
  "Pacific/Chatham",
  "UTC",
];

describe("isValidTimeZone / canonicalTimeZone", () => {
  test.each(["Asia/Tokyo", "America/New_York", "UTC", "Europe/London"])("%s is valid", (tz) => {
    expect(isValidTimeZone(tz)).toBe(true);
  });
  test.each(["", "Mars/Base", "Tokyo", "GMT+99", "Asia/Tokyo "])("%j is not", (tz) => {
    expect(isValidTimeZone(tz)).toBe(false);
  });
  test("spelling is normalised", () => {
    expect(canonicalTimeZone("asia/tokyo")).toBe("Asia/Tokyo");
    expect(() => canonicalTimeZone("Mars/Base")).toThrow();
  });
});

describe("zonedParts", () => {
  test("Tokyo is UTC+9 with no DST: 15:00Z is midnight of the next day", () => {
    expect(zonedParts(utc("2026-01-01T15:00:00Z"), "Asia/Tokyo")).toEqual({
      year: 2026,
      month: 1,
      day: 2,
      hour: 0,
      minute: 0,
      second: 0,
      weekday: 5,
    });
  });
  test("New York midnight uses hour 0, not 24", () => {
    expect(zonedParts(utc("2026-07-04T04:00:30Z"), "America/New_York")).toMatchObject({
      day: 4,
      hour: 0,
      minute: 0,
      second: 30,
      weekday: 6,
    });
  });
});

describe("offsetMinutes", () => {
  test.each([
    ["Asia/Tokyo", "2026-01-15T00:00:00Z", 540],
    ["Asia/Tokyo", "2026-07-15T00:00:00Z", 540],
    ["America/New_York", "2026-01-15T00:00:00Z", -300],
    ["America/New_York", "2026-07-15T00:00:00Z", -240],
    ["Asia/Kathmandu", "2026-01-15T00:00:00Z", 345],
    ["UTC", "2026-01-15T00:00:00Z", 0],
  ])("%s at %s is %i", (tz, iso, offset) => {
    expect(offsetMinutes(utc(iso), tz)).toBe(offset);
  });
});

describe("addLocalDays", () => {
  test("rolls months, years and leap days", () => {
    expect(addLocalDays({ year: 2026, month: 1, day: 31 }, 1)).toEqual({ year: 2026, month: 2, day: 1 });
    expect(addLocalDays({ year: 2026, month: 12, day: 31 }, 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(addLocalDays({ year: 2028, month: 2, day: 28 }, 1)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(addLocalDays({ year: 2026, month: 3, day: 1 }, -1)).toEqual({ year: 2026, month: 2, day: 28 });
  });
});

describe("atLocalTime", () => {
  test("10:00 in Tokyo is 01:00Z on that Tokyo date", () => {
    // 20:00Z on the 7th is already the 8th in Tokyo
    expect(atLocalTime(utc("2026-03-07T20:00:00Z"), 10, 0, "Asia/Tokyo")).toEqual(utc("2026-03-08T01:00:00Z"));
  });

  test("New York spring-forward day (2026-03-08): times after the jump use EDT", () => {
    const day = utc("2026-03-08T17:00:00Z");
    expect(atLocalTime(day, 1, 30, "America/New_York")).toEqual(utc("2026-03-08T06:30:00Z"));
    expect(atLocalTime(day, 10, 0, "America/New_York")).toEqual(utc("2026-03-08T14:00:00Z"));
  });

  test("a time inside the spring-forward gap moves forward by the gap", () => {
    // 02:30 does not exist: it becomes 03:30 EDT
    expect(atLocalTime(utc("2026-03-08T17:00:00Z"), 2, 30, "America/New_York")).toEqual(utc("2026-03-08T07:30:00Z"));
  });

  test("a time occurring twice on the fall-back day resolves to the first occurrence", () => {
    const day = utc("2026-11-01T17:00:00Z");
    expect(atLocalTime(day, 1, 30, "America/New_York")).toEqual(utc("2026-11-01T05:30:00Z"));
    expect(atLocalTime(day, 10, 0, "America/New_York")).toEqual(utc("2026-11-01T15:00:00Z"));
  });

  test("half-hour DST (Lord Howe) and 45-minute offsets (Kathmandu)", () => {
    expect(atLocalTime(utc("2026-01-15T00:00:00Z"), 10, 0, "Australia/Lord_Howe")).toEqual(utc("2026-01-14T23:00:00Z"));
    expect(atLocalTime(utc("2026-01-15T00:00:00Z"), 10, 0, "Asia/Kathmandu")).toEqual(utc("2026-01-15T04:15:00Z"));
  });

  test("round trip: the wall time of any instant maps back to it (or its earlier twin)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1) / 60_000, max: Date.UTC(2035, 0, 1) / 60_000 }),
        fc.constantFrom(...ZONES),
        (minutes, tz) => {
          const instant = new Date(minutes * 60_000);
          const p = zonedParts(instant, tz);
          const back = localTimeToInstant(p, p.hour, p.minute, tz);
          const q = zonedParts(back, tz);
          expect([q.year, q.month, q.day, q.hour, q.minute]).toEqual([p.year, p.month, p.day, p.hour, p.minute]);
          const earlierBy = instant.getTime() - back.getTime();
          expect(earlierBy === 0 || earlierBy === 3_600_000 || earlierBy === 1_800_000).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("every requested wall time lands on the requested date, at or just after the requested time", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1) / 3_600_000, max: Date.UTC(2035, 0, 1) / 3_600_000 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom(...ZONES),
        (hours, hour, minute, tz) => {
          const day = new Date(hours * 3_600_000);
          const result = atLocalTime(day, hour, minute, tz);
          const p = zonedParts(day, tz);
          const q = zonedParts(result, tz);
          expect([q.year, q.month, q.day]).toEqual([p.year, p.month, p.day]);
          const wanted = hour * 60 + minute;
          const got = q.hour * 60 + q.minute;
          // equal, or pushed forward by a DST gap (at most an hour)
          expect(got - wanted).toBeGreaterThanOrEqual(0);
          expect(got - wanted).toBeLessThanOrEqual(60);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("startOfLocalDay", () => {
  test("Tokyo", () => {
    expect(startOfLocalDay(utc("2026-05-01T10:00:00Z"), "Asia/Tokyo")).toEqual(utc("2026-04-30T15:00:00Z"));
  });
  test("New York on both transition days", () => {
    expect(startOfLocalDay(utc("2026-03-08T20:00:00Z"), "America/New_York")).toEqual(utc("2026-03-08T05:00:00Z"));
    expect(startOfLocalDay(utc("2026-11-01T20:00:00Z"), "America/New_York")).toEqual(utc("2026-11-01T04:00:00Z"));
  });
  test("where midnight is skipped, the day starts at 01:00", () => {
    const santiago = startOfLocalDay(utc("2026-09-06T12:00:00Z"), "America/Santiago");
    expect(zonedParts(santiago, "America/Santiago")).toMatchObject({ day: 6, hour: 1, minute: 0 });
    const havana = startOfLocalDay(utc("2026-03-08T12:00:00Z"), "America/Havana");
    expect(zonedParts(havana, "America/Havana")).toMatchObject({ day: 8, hour: 1, minute: 0 });
    expect(zonedParts(new Date(havana.getTime() - 1), "America/Havana").day).toBe(7);
  });
});

describe("nextLocalHour", () => {
  test("later today, or tomorrow once passed, strictly after now", () => {
    expect(nextLocalHour(utc("2026-05-01T22:00:00Z"), 8, "Asia/Tokyo")).toEqual(utc("2026-05-01T23:00:00Z"));
    expect(nextLocalHour(utc("2026-05-01T23:00:00Z"), 8, "Asia/Tokyo")).toEqual(utc("2026-05-02T23:00:00Z"));
    expect(nextLocalHour(utc("2026-05-01T23:30:00Z"), 8, "Asia/Tokyo")).toEqual(utc("2026-05-02T23:00:00Z"));
  });
  test("is always within 25 hours and reads hour:00 unless in a gap", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(...ZONES),
        (ms, hour, tz) => {
          const now = new Date(ms);
          const next = nextLocalHour(now, hour, tz);
          expect(next.getTime()).toBeGreaterThan(ms);
          expect(next.getTime() - ms).toBeLessThanOrEqual(25 * 3_600_000);
          const q = zonedParts(next, tz);
          const shifted = (q.hour * 60 + q.minute - hour * 60 + 1440) % 1440;
          expect(shifted).toBeLessThanOrEqual(60);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
