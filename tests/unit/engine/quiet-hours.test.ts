import fc from "fast-check";
import { isQuietHour, quietHoursDecision, type QuietHours } from "~/modules/engine/rules/quiet-hours";
import { zonedParts } from "~/modules/platform/time/shop-time";

const DEFAULT: QuietHours = { startHour: 21, endHour: 8 };
const utc = (iso: string) => new Date(iso);

describe("isQuietHour", () => {
  test("a window crossing midnight", () => {
    expect([20, 21, 23, 0, 7, 8].map((h) => isQuietHour(h, DEFAULT))).toEqual([false, true, true, true, true, false]);
  });
  test("a window within one day", () => {
    expect([11, 12, 13, 14].map((h) => isQuietHour(h, { startHour: 12, endHour: 14 }))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
  test("an empty window is never quiet", () => {
    expect(Array.from({ length: 24 }, (_, h) => isQuietHour(h, { startHour: 5, endHour: 5 }))).not.toContain(true);
  });
});

describe("quietHoursDecision", () => {
  test("off (null) always passes", () => {
    expect(quietHoursDecision(utc("2026-05-01T15:00:00Z"), "Asia/Tokyo", null)).toEqual({ pass: true });
  });

  test("Tokyo: 20:59 passes, 21:00 waits for 08:00 the next morning", () => {
    expect(quietHoursDecision(utc("2026-05-01T11:59:00Z"), "Asia/Tokyo", DEFAULT)).toEqual({ pass: true });
    expect(quietHoursDecision(utc("2026-05-01T12:00:00Z"), "Asia/Tokyo", DEFAULT)).toEqual({
      pass: false,
      outcome: "deferred",
      reason: "quiet hours 21:00–08:00 (Asia/Tokyo)",
      until: utc("2026-05-01T23:00:00Z"),
    });
  });

  test("Tokyo: after midnight waits for 08:00 the same day; 08:00 passes", () => {
    expect(quietHoursDecision(utc("2026-05-01T18:00:00Z"), "Asia/Tokyo", DEFAULT)).toMatchObject({
      until: utc("2026-05-01T23:00:00Z"),
    });
    expect(quietHoursDecision(utc("2026-05-01T23:00:00Z"), "Asia/Tokyo", DEFAULT)).toEqual({ pass: true });
  });

  test("a daytime window defers to its end", () => {
    expect(quietHoursDecision(utc("2026-05-01T03:30:00Z"), "Asia/Tokyo", { startHour: 12, endHour: 14 })).toMatchObject(
      {
        outcome: "deferred",
        until: utc("2026-05-01T05:00:00Z"),
      },
    );
  });

  test("New York spring-forward night ends at 08:00 EDT (12:00Z), not 13:00Z", () => {
    // 01:30 EST on 2026-03-08
    expect(quietHoursDecision(utc("2026-03-08T06:30:00Z"), "America/New_York", DEFAULT)).toMatchObject({
      until: utc("2026-03-08T12:00:00Z"),
    });
  });

  test("New York fall-back night: the repeated 01:30 still waits for 08:00 EST (13:00Z)", () => {
    for (const now of ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"]) {
      expect(quietHoursDecision(utc(now), "America/New_York", DEFAULT)).toMatchObject({
        until: utc("2026-11-01T13:00:00Z"),
      });
    }
  });

  test("a window ending inside the spring-forward gap ends when the clock jumps", () => {
    expect(
      quietHoursDecision(utc("2026-03-08T06:30:00Z"), "America/New_York", { startHour: 21, endHour: 2 }),
    ).toMatchObject({
      until: utc("2026-03-08T07:00:00Z"),
    });
  });

  test("deferred sends land outside quiet hours, within a day, and everything before was quiet", () => {
    const zones = ["Asia/Tokyo", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Havana"];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2024, 0, 1) / 60_000, max: Date.UTC(2030, 0, 1) / 60_000 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(...zones),
        (minutes, startHour, endHour, tz) => {
          const now = new Date(minutes * 60_000);
          const window = { startHour, endHour };
          const result = quietHoursDecision(now, tz, window);
          const quietNow = isQuietHour(zonedParts(now, tz).hour, window);
          expect(result.pass).toBe(!quietNow);
          if (result.pass) return;
          const until = result.until as Date;
          expect(result.outcome).toBe("deferred");
          expect(until.getTime()).toBeGreaterThan(now.getTime());
          expect(until.getTime() - now.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
          expect(isQuietHour(zonedParts(until, tz).hour, window)).toBe(false);
          for (let t = now.getTime(); t < until.getTime(); t += 15 * 60_000) {
            expect(isQuietHour(zonedParts(new Date(t), tz).hour, window)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
