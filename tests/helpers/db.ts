// A fresh, migrated database for one test file: SQLite by default (a copy of the base file),
// or PostgreSQL when TEST_DATABASE_URL is set (a throw-away schema, migrated by our runner).
import { copyFileSync, mkdirSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { createDb, type Db } from "~/db.server";

export interface TestDb {
  db: Db;
  url: string;
  close(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  const pgBase = process.env.TEST_DATABASE_URL;
  if (pgBase) {
    const schema = `t_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
    const pg = (await import("pg")).default;
    const admin = new pg.Client({ connectionString: pgBase });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    const url = `${pgBase}${pgBase.includes("?") ? "&" : "?"}schema=${schema}`;
    const { migratePostgres } = await import("../../scripts/migrate-postgres.mjs");
    await migratePostgres(url, () => {});
    const db = await createDb(url);
    return {
      db,
      url,
      async close() {
        await db.$disconnect();
        const c = new pg.Client({ connectionString: pgBase });
        await c.connect();
        await c.query(`DROP SCHEMA "${schema}" CASCADE`);
        await c.end();
      },
    };
  }
  const dir = path.resolve(".tmp/test-dbs");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.sqlite`);
  const base = process.env.JOREN_TEST_BASE_DB;
  if (!base)
    throw new Error("JOREN_TEST_BASE_DB is not set: run the tests through vitest (its global setup migrates the base)");
  copyFileSync(base, file);
  const url = `file:${file}`;
  const db = await createDb(url);
  return { db, url, close: () => db.$disconnect() };
}
