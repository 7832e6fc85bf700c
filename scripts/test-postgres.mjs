#!/usr/bin/env node
// Runs the whole vitest suite again on PostgreSQL (each test file gets its own schema).
// PostgreSQL is expected at 127.0.0.1:5432 with trust auth (database `test`), as on this
// project's machines; PG_TEST_URL overrides. `.ci/run` starts or installs it when missing.
import { spawnSync } from "node:child_process";
import pg from "pg";

const url = process.env.PG_TEST_URL ?? "postgresql://root@127.0.0.1:5432/test";
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
try {
  await client.connect();
  await client.query("SELECT 1");
  await client.end();
} catch (error) {
  console.error(`PostgreSQL is not reachable at ${url}: ${error.message}`);
  console.error("Start it (pg_ctlcluster <version> main start) or set PG_TEST_URL; .ci/run does this for you.");
  process.exit(1);
}
console.error(`[test:pg] running the suite on ${url}`);
const result = spawnSync("npx", ["vitest", "run", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TEST_DATABASE_URL: url },
});
process.exit(result.status ?? 1);
