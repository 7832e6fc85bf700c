// The app's clock port (app/modules/platform/time/clock.server.ts): the wall clock, or a test
// clock that starts at a given instant and advances with real elapsed time; refused in a
// production process unless that process is a demo or test server.
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import {
  appNow,
  appTimeAt,
  clockFromEnv,
  clockStartingAt,
  TEST_CLOCK_ENV,
  wallClock,
} from "~/modules/platform/time/clock.server";

const WALL = new Date("2026-12-04T10:15:00.000Z");
const START = "2026-03-02T01:00:00.000Z";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(WALL);
});
afterEach(() => {
  vi.useRealTimers();
});

test("without JOREN_TEST_CLOCK the app runs on the wall clock", () => {
  const clock = clockFromEnv({ NODE_ENV: "production" });
  expect(clock).toBe(wallClock);
  expect(clock.startsAt).toBeNull();
  expect(clock.now().toISOString()).toBe(WALL.toISOString());
  vi.advanceTimersByTime(1500);
  expect(clock.now().getTime()).toBe(WALL.getTime() + 1500);
  expect(clock.at(new Date(START)).toISOString()).toBe(START);
  // and this test process, started without one, reads the wall clock through the port
  expect(appNow().toISOString()).toBe(new Date(WALL.getTime() + 1500).toISOString());
  expect(appTimeAt(WALL).toISOString()).toBe(WALL.toISOString());
});

test("a test clock reads its instant at the process start, then advances with real elapsed time", () => {
  // the process started 4 s before now: the app's time is already 4 s past the instant
  const clock = clockFromEnv({ [TEST_CLOCK_ENV]: START, NODE_ENV: "test" }, WALL.getTime() - 4000);
  expect(clock.startsAt?.toISOString()).toBe(START);
  expect(clock.now().toISOString()).toBe("2026-03-02T01:00:04.000Z");
  vi.advanceTimersByTime(90_000);
  expect(clock.now().toISOString()).toBe("2026-03-02T01:01:34.000Z");
  // a cron fire at a wall-clock minute is that minute on the app's clock
  expect(clock.at(new Date("2026-12-04T10:20:00.000Z")).toISOString()).toBe("2026-03-02T01:05:04.000Z");
});

test("clockStartingAt starts at the instant now (the test's side of a server started with it)", () => {
  const clock = clockStartingAt(new Date(START));
  expect(clock.now().toISOString()).toBe(START);
  vi.advanceTimersByTime(2 * 3_600_000);
  expect(clock.now().toISOString()).toBe("2026-03-02T03:00:00.000Z");
});

test("a zone offset is honoured: the same instant from any machine", () => {
  const clock = clockFromEnv({ [TEST_CLOCK_ENV]: "2026-03-02T10:00:00+09:00" }, WALL.getTime());
  expect(clock.now().toISOString()).toBe(START);
});

test("a production process refuses a test clock unless it is a demo or test server", () => {
  expect(() => clockFromEnv({ [TEST_CLOCK_ENV]: START, NODE_ENV: "production" })).toThrow(
    /JOREN_TEST_CLOCK is set in a production process.*JOREN_DEMO_CLOCK=1/,
  );
  expect(() => clockFromEnv({ [TEST_CLOCK_ENV]: START, NODE_ENV: "production", JOREN_DEMO_CLOCK: "0" })).toThrow(
    /production/,
  );
  const demo = clockFromEnv({ [TEST_CLOCK_ENV]: START, NODE_ENV: "production", JOREN_DEMO_CLOCK: "1" }, WALL.getTime());
  expect(demo.now().toISOString()).toBe(START);
});

test("an instant without a zone, or not an instant, is refused with what to write", () => {
  for (const setting of ["2026-03-02T01:00:00", "2026-03-02", "yesterday", "1772413200000", "2026-13-40T00:00:00Z"]) {
    expect(() => clockFromEnv({ [TEST_CLOCK_ENV]: setting, NODE_ENV: "test" }), setting).toThrow(
      /not an ISO 8601 instant with a zone/,
    );
  }
  // blank is unset
  expect(clockFromEnv({ [TEST_CLOCK_ENV]: "  ", NODE_ENV: "production" })).toBe(wallClock);
});
