// Builds the app once and migrates one base SQLite file per test run; every test file copies it
// (copying a file beats truncating tables — epic-stack ADR 038). The base is per run, so two
// runs on one machine never delete each other's.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

export default function setup(): () => void {
  // JOREN_TEST_SKIP_BUILD=1 reuses the last build (tests that start no server do not need one).
  // The server runs with NODE_ENV=production, so the build must be one too: under vitest
  // (NODE_ENV=test) remix would emit React's development JSX calls, which crash a page render.
  if (process.env.JOREN_TEST_SKIP_BUILD !== "1") withLock(".tmp/remix-build.lock", () => execFileSync("npx", ["remix", "build"], { env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "ignore", "inherit"] }));
  const dir = path.resolve(".tmp/test-base");
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (Date.now() - statSync(file).mtimeMs > 6 * 3_600_000) rmSync(file, { force: true });
  }
  const base = path.join(dir, `base-${process.pid}-${Date.now()}.sqlite`);
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${base}` },
    stdio: ["ignore", "ignore", "inherit"],
  });
  // test workers are forked after this and inherit it
  process.env.JOREN_TEST_BASE_DB = base;
  return () => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(base + suffix, { force: true });
  };
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
      const stale = (() => { try { return Date.now() - statSync(dir).mtimeMs > 5 * 60_000; } catch { return false; } })();
      if (stale || Date.now() > deadline) { rmSync(dir, { recursive: true, force: true }); continue; }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    work();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
