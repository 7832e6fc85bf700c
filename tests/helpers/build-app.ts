// Global setup of the server and browser tiers only: builds the app once per run (unit and
// integration tests import the modules directly and need no build).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

export default function buildApp(): void {
  // Both tiers list this setup; a run that holds both builds once.
  if (process.env.JOREN_TEST_BUILT === "1") return;
  process.env.JOREN_TEST_BUILT = "1";
  // JOREN_TEST_SKIP_BUILD=1 reuses the last build when no app code a server test runs changed.
  if (process.env.JOREN_TEST_SKIP_BUILD === "1") return;
  // The server runs with NODE_ENV=production, so the build must be one too: under vitest
  // (NODE_ENV=test) remix would emit React's development JSX calls, which crash a page render.
  withLock(".tmp/remix-build.lock", () =>
    execFileSync("npx", ["remix", "build"], {
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "ignore", "inherit"],
    }),
  );
}

/** Two test runs on one machine must not write build/ at the same time. */
function withLock(dir: string, work: () => void): void {
  mkdirSync(path.dirname(dir), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch {
      const stale = (() => {
        try {
          return Date.now() - statSync(dir).mtimeMs > 5 * 60_000;
        } catch {
          return false;
        }
      })();
      if (stale || Date.now() > deadline) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    work();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
