#!/usr/bin/env node
// Derives prisma/postgres/schema.prisma from prisma/schema.prisma (the one source of truth).
// `--check` exits 1 when the committed PostgreSQL schema is not what this script would write.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "prisma/schema.prisma");
const target = path.join(root, "prisma/postgres/schema.prisma");

export function derivePostgresSchema(text) {
  const header = "// GENERATED from prisma/schema.prisma by scripts/derive-postgres-schema.mjs — do not edit.\n";
  let out = text
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/url\s*=\s*"file:[^"]*"/, 'url      = env("DATABASE_URL")')
    .replace(
      /provider\s*=\s*"prisma-client-js"/,
      'provider   = "prisma-client-js"\n  output     = "../../node_modules/@joren/prisma-pg"',
    );
  if (out === text) throw new Error("schema.prisma does not look like the SQLite source schema");
  return header + out;
}

const derived = derivePostgresSchema(readFileSync(source, "utf8"));
if (process.argv.includes("--check")) {
  const current = existsSync(target) ? readFileSync(target, "utf8") : "";
  if (current !== derived) {
    console.error("prisma/postgres/schema.prisma is out of date: run `npm run db:generate`.");
    process.exit(1);
  }
  console.error("prisma/postgres/schema.prisma agrees with prisma/schema.prisma");
} else {
  writeFileSync(target, derived);
  console.error("wrote prisma/postgres/schema.prisma");
}
