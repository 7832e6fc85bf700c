#!/usr/bin/env node
// Applies prisma/postgres/migrations/*/migration.sql to DATABASE_URL in order, once each.
// Why not `prisma migrate deploy`: with @prisma/adapter-pg the Wasm schema engine fails on
// PostgreSQL's `name` column type (prisma/orm#27403). See docs/decisions/0001.
// An advisory lock makes concurrent instances safe; each migration is one transaction.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.join(root, "prisma/postgres/migrations");

export async function migratePostgres(url, log = (m) => console.error(m)) {
  // `?schema=` (Prisma's URL convention) selects the PostgreSQL schema to migrate.
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema");
  parsed.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  if (schema) {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, "")}"`);
    await client.query(`SET search_path TO "${schema.replace(/"/g, "")}"`);
  }
  try {
    await client.query("SELECT pg_advisory_lock(4242001)");
    await client.query(`CREATE TABLE IF NOT EXISTS "_joren_migrations" (
      name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query(`SELECT name, checksum FROM "_joren_migrations"`);
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const names = readdirSync(dir)
      .filter((n) => existsSync(path.join(dir, n, "migration.sql")))
      .sort();
    for (const name of names) {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      if (applied.has(name)) {
        if (applied.get(name) !== checksum) throw new Error(`migration ${name} was edited after it was applied`);
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query(`INSERT INTO "_joren_migrations"(name, checksum) VALUES ($1, $2)`, [name, checksum]);
        await client.query("COMMIT");
        log(`applied ${name}`);
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${name} failed: ${error.message}`);
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(4242001)").catch(() => {});
    await client.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    console.error("DATABASE_URL must be a postgresql:// URL");
    process.exit(2);
  }
  migratePostgres(url).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
