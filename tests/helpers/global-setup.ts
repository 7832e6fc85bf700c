// Migrates one base SQLite file per run; every test file copies it (copying a file beats
// truncating tables — epic-stack ADR 038).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";

export const BASE_DB = path.resolve(".tmp/test-base.sqlite");

export default function setup(): void {
  // The integration tests run the real server build.
  execFileSync("npx", ["remix", "build"], { stdio: ["ignore", "ignore", "inherit"] });
  mkdirSync(path.dirname(BASE_DB), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(BASE_DB + suffix, { force: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${BASE_DB}` },
    stdio: ["ignore", "ignore", "inherit"],
  });
}
