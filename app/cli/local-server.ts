// Starts the built app (remix-serve) for local use: the offline demo and the benchmark.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** A per-checkout secret for local shops (git-ignored); a real app uses its Partner secret. */
export function localAppSecret(): string {
  if (process.env.SHOPIFY_API_SECRET) return process.env.SHOPIFY_API_SECRET;
  const file = path.resolve(".tmp/local-app-secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(24).toString("hex"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

export interface LocalServer {
  url: string;
  child: ChildProcess;
  /** the server's stdout and stderr so far, when started with captureOutput */
  output(): string;
  stop(): Promise<void>;
}

export async function startLocalServer(options: {
  port: number;
  databaseUrl: string;
  secret: string;
  env?: Record<string, string>;
  /** keep the server's output (tests) instead of passing its stderr through */
  captureOutput?: boolean;
}): Promise<LocalServer> {
  if (!existsSync(path.resolve("build/index.js"))) throw new Error("the app is not built: run `npm run build` first");
  const url = `http://127.0.0.1:${options.port}`;
  const child = spawn(
    process.execPath,
    [
      ...(process.env.JOREN_SERVER_NODE_ARGS ? process.env.JOREN_SERVER_NODE_ARGS.split(" ") : []),
      path.resolve("server.mjs"),
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(options.port),
        HOST: "127.0.0.1",
        DATABASE_URL: options.databaseUrl,
        SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY ?? "joren-local",
        SHOPIFY_API_SECRET: options.secret,
        SHOPIFY_APP_URL: process.env.SHOPIFY_APP_URL ?? url,
        JOREN_LOG_LEVEL: process.env.JOREN_LOG_LEVEL ?? "warn",
        ...options.env,
      },
      stdio: options.captureOutput ? ["ignore", "pipe", "pipe"] : ["ignore", "ignore", "inherit"],
    },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app server exited with code ${child.exitCode}: ${output}`);
    try {
      if ((await fetch(url + "/")).status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the app server did not answer on ${url} within 30 s: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Peak resident memory of a process (Linux), in MB. */
export function peakRssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}
