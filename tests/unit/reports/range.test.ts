import { describe, expect, test } from "vitest";
import { localDaysToInstants, localMonthIndexer, monthIndex, monthKey, sameDayLastYear } from "~/modules/reports/range";
import { parseLocalDate } from "~/modules/platform/time/local-dates";
import { offsetChanges } from "~/modules/reports/sql.server";

describe("shop-local report ranges", () => {
  test("dates are parsed strictly", () => {
    expect(parseLocalDate("2026-02-28")).toEqual({ year: 2026, month: 2, day: 28 });
    expect(parseLocalDate("2026-02-29")).toBeNull();
    expect(parseLocalDate("2026-2-1")).toBeNull();
    expect(parseLocalDate("yesterday")).toBeNull();
    expect(parseLocalDate("2028-02-29")).toEqual({ year: 2028, month: 2, day: 29 });
    expect(parseLocalDate("0004-02-29")).toEqual({ year: 4, month: 2, day: 29 });
    expect(parseLocalDate(20260228)).toBeNull();
  });

  test("a range covers whole shop-local days: Tokyo is 9 hours ahead of UTC", () => {
    const { from, to } = localDaysToInstants(
      { year: 2026, month: 1, day: 1 },
      { year: 2026, month: 1, day: 31 },
      "Asia/Tokyo",
    );
    expect(from.toISOString()).toBe("2025-12-31T15:00:00.000Z");
    expect(to.toISOString()).toBe("2026-01-31T15:00:00.000Z");
  });

  test("New York's day of the spring-forward is 23 hours long", () => {
    const { from, to } = localDaysToInstants(
      { year: 2026, month: 3, day: 8 },
      { year: 2026, month: 3, day: 8 },
      "America/New_York",
    );
    expect(from.toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(to.toISOString()).toBe("2026-03-09T04:00:00.000Z");
  });

  test("the same period last year; 29 February becomes 28 February", () => {
    expect(sameDayLastYear({ year: 2028, month: 2, day: 29 })).toEqual({ year: 2027, month: 2, day: 28 });
    expect(sameDayLastYear({ year: 2026, month: 11, day: 23 })).toEqual({ year: 2025, month: 11, day: 23 });
  });

  test("month indexes map instants to the shop-local month, also across the bisection edges", () => {
    expect(monthKey(monthIndex(2026, 1))).toBe("2026-01");
    const month = localMonthIndexer("Asia/Tokyo", new Date("2025-06-01T00:00:00Z"), new Date("2026-06-01T00:00:00Z"));
    // 2026-01-31T15:00Z is already 1 February in Tokyo
    expect(monthKey(month(new Date("2026-01-31T14:59:59Z")))).toBe("2026-01");
    expect(monthKey(month(new Date("2026-01-31T15:00:00Z")))).toBe("2026-02");
    expect(monthKey(month(new Date("2020-01-01T00:00:00Z")))).toBe("2020-01");
  });

  test("offset changes are found to the minute (New York, 2026)", () => {
    const changes = offsetChanges(
      "America/New_York",
      new Date("2026-01-01T00:00:00Z"),
      new Date("2027-01-01T00:00:00Z"),
    );
    expect(changes).toEqual([
      { at: new Date("2026-03-08T07:00:00Z"), offset: -240 },
      { at: new Date("2026-11-01T06:00:00Z"), offset: -300 },
    ]);
    expect(offsetChanges("Asia/Tokyo", new Date("2026-01-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z"))).toEqual([]);
  });
});
