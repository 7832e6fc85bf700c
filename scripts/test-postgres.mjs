#!/usr/bin/env node
// Reruns the tiers where the database matters (integration and server) on PostgreSQL; each test
// file gets its own schema. Unit tests touch no database and the browser tier checks the admin's
// pages, whose queries the other two tiers already run on PostgreSQL.
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
const args = process.argv.slice(2);
// Extra arguments (a file, a name filter) narrow the run within these tiers.
const tiers = ["--project", "integration", "--project", "server"];
console.error(`[test:pg] running the integration and server tiers on ${url}`);
const result = spawnSync("npx", ["vitest", "run", ...tiers, ...args], {
  stdio: "inherit",
  env: { ...process.env, TEST_DATABASE_URL: url },
});
process.exit(result.status ?? 1);
