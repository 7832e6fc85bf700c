// Prisma runs offline here only with the JS engines and a driver adapter (see STACK.md and
// docs/decisions/0001-prisma-js-engine-and-two-providers.md). DATABASE_URL picks the provider:
// postgresql://… uses the derived PostgreSQL schema and its migrations, anything else SQLite.
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

const url = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite";
const isPostgres = /^postgres(ql)?:\/\//.test(url);

export default defineConfig({
  experimental: { adapter: true },
  schema: isPostgres ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  engine: "js",
  async adapter() {
    return isPostgres ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url });
  },
});
