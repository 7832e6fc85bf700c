// Runs the real built app (server.mjs + the Remix build) on a free loopback port, with its own
// database, so tests speak HTTP to exactly what production runs.
import type { ChildProcess } from "node:child_process";
import { startLocalServer } from "~/cli/local-server";
import { freeLoopbackPort } from "~/cli/ports";

export const TEST_SECRET = "test-api-secret";

export interface AppServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export async function startAppServer(options: {
  databaseUrl: string;
  env?: Record<string, string>;
}): Promise<AppServer> {
  const port = await freeLoopbackPort();
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
      ...options.env,
    },
  });
  return { url: server.url, process: server.child, output: server.output, stop: server.stop };
}
