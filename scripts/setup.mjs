#!/usr/bin/env node
// Makes a fresh clone runnable: installs npm packages when needed, generates both Prisma
// clients, checks the derived PostgreSQL schema, and migrates the embedded SQLite database.
// Idempotent and quick when nothing changed. Uses only Node built-ins (it runs before npm ci).
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args, env = {}) =>
  execFileSync(cmd, args, { cwd: root, stdio: ["ignore", 2, "inherit"], env: { ...process.env, ...env } });
const step = (message) => console.error(`[setup] ${message}`);
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

const installed = path.join(root, "node_modules/.package-lock.json");
if (!existsSync(installed) || mtime(path.join(root, "package-lock.json")) > mtime(installed)) {
  step("installing npm packages (npm ci)…");
  run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=warn"]);
}
if (!existsSync(path.join(root, "node_modules/better-sqlite3/build/Release/better_sqlite3.node"))) {
  step("building better-sqlite3…");
  run("npm", ["rebuild", "better-sqlite3", "--loglevel=warn"]);
}

const schema = path.join(root, "prisma/schema.prisma");
const generated = path.join(root, "node_modules/.prisma/client/index.js");
const generatedPg = path.join(root, "node_modules/@joren/prisma-pg/index.js");
run("node", ["scripts/derive-postgres-schema.mjs", "--check"]);
if (mtime(generated) < mtime(schema) || mtime(generatedPg) < mtime(schema)) {
  step("generating Prisma clients (SQLite and PostgreSQL)…");
  run("npx", ["prisma", "generate"], { DATABASE_URL: "file:./prisma/dev.sqlite" });
  run("npx", ["prisma", "generate"], { DATABASE_URL: "postgresql://localhost/unused" });
}

const url = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite";
if (/^postgres(ql)?:\/\//.test(url)) {
  step("migrating PostgreSQL…");
  run("node", ["scripts/migrate-postgres.mjs"], { DATABASE_URL: url });
} else {
  step(`migrating ${url}…`);
  run("npx", ["prisma", "migrate", "deploy"], { DATABASE_URL: url });
}
step("ready");
