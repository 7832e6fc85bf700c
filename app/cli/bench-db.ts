import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";

/** A fresh, migrated SQLite file under .tmp/bench for one benchmark. */
export function migratedSqliteFile(name: string): string {
  const dir = path.resolve(".tmp/bench");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.sqlite`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${file}` },
    stdio: "ignore",
  });
  return file;
}
