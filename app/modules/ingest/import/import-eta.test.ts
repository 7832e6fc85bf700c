import { estimateStage, formatSecondsLeft } from "./import-eta";

test("the estimate uses this run's own rate and the bulk operation's line count", () => {
  // resumed at line 1,000: 3,000 more lines in 2 s is 1,500 lines/s; 6,000 left is 4 s
  expect(estimateStage({ linesDone: 4_000, linesAtStart: 1_000, objectCount: 10_000, elapsedMs: 2_000 })).toEqual({
    linesPerSecond: 1_500,
    secondsLeft: 4,
  });
  expect(estimateStage({ linesDone: 1_000, linesAtStart: 1_000, objectCount: 10_000, elapsedMs: 2_000 })).toEqual({
    linesPerSecond: 0,
    secondsLeft: null,
  });
  expect(
    estimateStage({ linesDone: 500, linesAtStart: 0, objectCount: null, elapsedMs: 1_000 }).secondsLeft,
  ).toBeNull();
  expect(estimateStage({ linesDone: 10_001, linesAtStart: 0, objectCount: 10_000, elapsedMs: 1_000 }).secondsLeft).toBe(
    0,
  );
});

test("the CLI's time left reads in seconds, minutes or hours", () => {
  expect(formatSecondsLeft(42)).toBe("42 s");
  expect(formatSecondsLeft(600)).toBe("10 min");
  expect(formatSecondsLeft(4 * 3600)).toBe("4.0 h");
});
