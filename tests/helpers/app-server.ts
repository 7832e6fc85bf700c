// Runs the real built app (remix-serve build/index.js) on a free loopback port, with its own
// database, so tests speak HTTP to exactly what production runs.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

export const TEST_SECRET = "test-api-secret";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface AppServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export async function startAppServer(options: { databaseUrl: string; env?: Record<string, string> }): Promise<AppServer> {
  const port = await freePort();
  let output = "";
  const child = spawn(process.execPath, [path.resolve("server.mjs")], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: options.databaseUrl,
      SHOPIFY_API_KEY: "test-api-key",
      SHOPIFY_API_SECRET: TEST_SECRET,
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      JOREN_LOG_LEVEL: "warn",
      JOREN_DISABLE_SCHEDULER: "1",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app server exited: ${output}`);
    try {
      const res = await fetch(url + "/");
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`app server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      // remix-serve may hold the event loop open (database pool); do not wait forever
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
