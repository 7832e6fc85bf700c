#!/usr/bin/env node
// Creates a migration for both providers from the schema change since the last commit:
//   1. edit prisma/schema.prisma   2. node scripts/new-migration.mjs <name>   3. commit both
// (prisma migrate dev cannot run offline against adapters here; see docs/decisions/0001.)
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
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
  { provider: "postgresql", schema: "prisma/postgres/schema.prisma", out: "prisma/postgres/migrations", url: process.env.PG_TEST_URL ?? "postgresql://root@127.0.0.1:5432/test" },
];
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
