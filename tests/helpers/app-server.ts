// Runs the real built app (server.mjs + the Remix build) on a free loopback port, with its own
// database, so tests speak HTTP to exactly what production runs.
import type { ChildProcess } from "node:child_process";
import { startLocalServer } from "~/cli/local-server";
import { freeLoopbackPort } from "~/cli/ports";
import { clockStartingAt, TEST_CLOCK_ENV, wallClock, type Clock } from "~/modules/platform/time/clock.server";

export const TEST_SECRET = "test-api-secret";

export interface AppServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  /** the server's clock as this test sees it (the wall clock unless started with `clock`) */
  now: Clock;
  stop(): Promise<void>;
}

export async function startAppServer(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  /**
   * Starts the server on a test clock (JOREN_TEST_CLOCK, platform/time/clock.server): its time is
   * this instant when it starts and advances with real time; `now` reads the same clock here.
   */
  clock?: Date;
}): Promise<AppServer> {
  const port = await freeLoopbackPort();
  // anchored just before the spawn: the server's own anchor (its process start) is a moment later
  const clock = options.clock ? clockStartingAt(options.clock) : wallClock;
  const server = await startLocalServer({
    port,
    databaseUrl: options.databaseUrl,
    secret: TEST_SECRET,
    captureOutput: true,
    env: {
      SHOPIFY_API_KEY: "test-api-key",
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      JOREN_LOG_LEVEL: "warn",
      JOREN_DISABLE_SCHEDULER: "1",
      // a production build refuses a test clock unless it is told it is a demo or test server
      ...(options.clock ? { [TEST_CLOCK_ENV]: options.clock.toISOString(), JOREN_DEMO_CLOCK: "1" } : {}),
      ...options.env,
    },
  });
  return { url: server.url, process: server.child, output: server.output, now: clock.now, stop: server.stop };
}
