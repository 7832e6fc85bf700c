// The app's one "now" for what its data is compared with: the scheduler's ticks, the pixel
// endpoint's window, the email endpoints (link expiry, opens, clicks, unsubscribes) and the
// storefront forms read it here. It is the wall clock, except in a process started for a test or
// the demo with JOREN_TEST_CLOCK=<ISO instant>: then the app's time is that instant when the
// process started and advances with real elapsed time, so timers, leases and polling still work
// while every "now" the data sees is fixed by the test (ADR 0028).
//
// Only "now" as the data sees it moves. Leases, inbox claims, caches, rate-limit windows,
// signature freshness against another system's clock (Shopify's app proxy, SendGrid) and log
// stamps stay on the wall clock: they measure real time between real processes.
//
// A labelled test-and-demo mechanism, like X-Joren-Demo-Time (tracking/demo-clock.server.ts): a
// production process (NODE_ENV=production) refuses to start with it unless it is a demo or test
// server (JOREN_DEMO_CLOCK=1), and one that uses it says so in its log.
import { isMainThread } from "node:worker_threads";
import { log } from "~/lib/log.server";

export const TEST_CLOCK_ENV = "JOREN_TEST_CLOCK";

export type Clock = () => Date;

export interface AppClock {
  /** the app's now */
  now: Clock;
  /** the app's time at a wall-clock instant (a cron fire time) */
  at(wall: Date): Date;
  /** the instant JOREN_TEST_CLOCK set, or null on the wall clock */
  startsAt: Date | null;
}

export const wallClock: AppClock = { now: () => new Date(), at: (wall) => wall, startsAt: null };

/**
 * A clock that reads `startsAt` at the wall-clock instant `wallStartMs` and advances with the
 * wall clock from there. Tests use it for their own side of a server started with the same
 * instant (the two agree to within the server's start-up time).
 */
export function clockStartingAt(startsAt: Date, wallStartMs: number = Date.now()): AppClock {
  const offsetMs = startsAt.getTime() - wallStartMs;
  return {
    now: () => new Date(Date.now() + offsetMs),
    at: (wall) => new Date(wall.getTime() + offsetMs),
    startsAt,
  };
}

// An instant with its zone, so a test's timeline does not depend on the machine's timezone.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The clock a process with this environment runs on. `processStartMs` anchors JOREN_TEST_CLOCK
 * to the process's start (performance.timeOrigin is the same in every worker thread), so the
 * main thread and the inbox thread read the same time.
 */
export function clockFromEnv(
  env: Record<string, string | undefined>,
  processStartMs: number = performance.timeOrigin,
): AppClock {
  const setting = env[TEST_CLOCK_ENV]?.trim();
  if (!setting) return wallClock;
  if (env.NODE_ENV === "production" && env.JOREN_DEMO_CLOCK !== "1")
    throw new Error(
      `${TEST_CLOCK_ENV} is set in a production process: it is for test and demo servers only. ` +
        `Unset it, or also set JOREN_DEMO_CLOCK=1 if this server is a demo or test server.`,
    );
  const startsAt = new Date(setting);
  if (!ISO_INSTANT.test(setting) || Number.isNaN(startsAt.getTime()))
    throw new Error(
      `${TEST_CLOCK_ENV}="${setting}" is not an ISO 8601 instant with a zone (e.g. 2026-03-02T03:00:00Z)`,
    );
  return clockStartingAt(startsAt, processStartMs);
}

const appClock = clockFromEnv(process.env);
if (appClock.startsAt && isMainThread)
  log("warn", `test clock: the app's time started at ${appClock.startsAt.toISOString()} (${TEST_CLOCK_ENV})`, {
    wallClock: new Date().toISOString(),
    appTime: appClock.now().toISOString(),
  });

/** The app's now: the wall clock unless the process was started with JOREN_TEST_CLOCK. */
export const appNow: Clock = () => appClock.now();

/** The app's time at a wall-clock instant, e.g. the minute a cron task fired for. */
export const appTimeAt = (wall: Date): Date => appClock.at(wall);
