// Builds the app once and migrates one base SQLite file per test run; every test file copies it
// (copying a file beats truncating tables — epic-stack ADR 038). The base is per run, so two
// runs on one machine never delete each other's.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

export default function setup(): () => void {
  execFileSync("npx", ["remix", "build"], { stdio: ["ignore", "ignore", "inherit"] });
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
