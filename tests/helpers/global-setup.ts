// Global setup of the tiers that use a database: migrates one base SQLite file per test run;
// every test file copies it (copying a file beats truncating tables — epic-stack ADR 038). The
// base is per run, so two runs on one machine never delete each other's. On PostgreSQL
// (TEST_DATABASE_URL) each test file migrates its own schema instead (helpers/db.ts).
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

export default function setup(): (() => void) | undefined {
  // Integration and server tiers both list this setup; one run migrates once.
  if (process.env.JOREN_TEST_BASE_DB || process.env.TEST_DATABASE_URL) return undefined;
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
  // test workers are forked after every tier's global setup and inherit it
  process.env.JOREN_TEST_BASE_DB = base;
  return () => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(base + suffix, { force: true });
  };
}
