// The Prisma client singleton. DATABASE_URL picks the provider: postgresql://… uses the client
// generated from the derived PostgreSQL schema (adapter-pg), anything else the embedded SQLite
// file (adapter-better-sqlite3). Both clients share one generated type, so callers never care.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/index.js";

export type Db = PrismaClient;
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;
export { Prisma } from "./generated/prisma/index.js";

export const DEFAULT_DATABASE_URL = "file:./prisma/dev.sqlite";

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export async function createDb(url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Promise<Db> {
  if (isPostgresUrl(url)) {
    const [{ PrismaPg }, pgClient] = await Promise.all([
      import("@prisma/adapter-pg"),
      import("./generated/prisma-pg/index.js"),
    ]);
    const Client = pgClient.PrismaClient as unknown as typeof PrismaClient;
    // `?schema=` (Prisma's URL convention) selects a PostgreSQL schema; tests use one per file.
    const parsed = new URL(url);
    const schema = parsed.searchParams.get("schema") ?? undefined;
    parsed.searchParams.delete("schema");
    return new Client({ adapter: new PrismaPg({ connectionString: parsed.toString(), max: 10 }, { schema }) });
  }
  // busy timeout: a writer waits for the lock instead of failing at once (the CLI, the demo
  // and a test may share the file with the server).
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 5000 }) });
  // WAL lets readers (CLI, reports) work while the server writes.
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  return client;
}

declare global {
  var __jorenDb: Promise<Db> | undefined;
}

/** The process-wide client (kept across Remix dev reloads). */
export function getDb(): Promise<Db> {
  globalThis.__jorenDb ??= createDb();
  return globalThis.__jorenDb;
}
