#!/usr/bin/env node
// Creates a migration for both providers from the schema change since the last commit:
//   1. edit prisma/schema.prisma   2. node scripts/new-migration.mjs <name>   3. commit both
// Uncommitted migrations are replaced, not stacked: every schema change since HEAD lands in the
// one new migration, so running it again after further edits is always safe.
// (prisma migrate dev cannot run offline against adapters here; see docs/decisions/0001.)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: node scripts/new-migration.mjs <snake_case_name>");
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = `${stamp}_${name}`;
execFileSync("node", ["scripts/derive-postgres-schema.mjs"], { stdio: "inherit" });
mkdirSync(".tmp", { recursive: true });
const pairs = [
  { provider: "sqlite", schema: "prisma/schema.prisma", out: "prisma/migrations", url: "file:./prisma/dev.sqlite" },
  {
    provider: "postgresql",
    schema: "prisma/postgres/schema.prisma",
    out: "prisma/postgres/migrations",
    url: process.env.PG_TEST_URL ?? "postgresql://root@127.0.0.1:5432/test",
  },
];
let replaced = false;
for (const pair of pairs) {
  const tracked = new Set(
    execFileSync("git", ["ls-files", pair.out])
      .toString()
      .split("\n")
      .map((f) => f.split("/").at(-2)),
  );
  for (const entry of readdirSync(pair.out, { withFileTypes: true })) {
    if (entry.isDirectory() && !tracked.has(entry.name)) {
      rmSync(path.join(pair.out, entry.name), { recursive: true });
      console.error(`replaced uncommitted ${pair.out}/${entry.name}`);
      replaced = true;
    }
  }
}
// The local dev database may hold a replaced migration; it is disposable (npm run setup rebuilds it).
if (replaced && existsSync("prisma/dev.sqlite"))
  for (const f of ["prisma/dev.sqlite", "prisma/dev.sqlite-wal", "prisma/dev.sqlite-shm"]) rmSync(f, { force: true });
for (const pair of pairs) {
  const before = path.join(".tmp", `before-${pair.provider}.prisma`);
  writeFileSync(before, execFileSync("git", ["show", `HEAD:${pair.schema}`]));
  const sql = execFileSync(
    "npx",
    ["prisma", "migrate", "diff", "--from-schema-datamodel", before, "--to-schema-datamodel", pair.schema, "--script"],
    { env: { ...process.env, DATABASE_URL: pair.url } },
  ).toString();
  mkdirSync(path.join(pair.out, dir), { recursive: true });
  writeFileSync(path.join(pair.out, dir, "migration.sql"), sql);
  console.error(`wrote ${pair.out}/${dir}/migration.sql`);
}
