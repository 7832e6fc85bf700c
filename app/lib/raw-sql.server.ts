// Raw SQL that runs on both providers. Each provider's Prisma client has its own Prisma.Sql
// class, so a fragment built with one is not recognised as SQL by the other's tagged template;
// rendering the text ourselves (`?` for SQLite, `$n` for PostgreSQL) works with either.
import { Prisma, type Tx } from "~/db.server";
import { chunked } from "./chunks";

export type Dialect = "sqlite" | "postgresql";

export function dialectOf(db: Tx): Dialect {
  return (db as unknown as { _activeProvider?: string })._activeProvider === "postgresql" ? "postgresql" : "sqlite";
}

export function queryRows<T>(db: Tx, query: Prisma.Sql): Promise<T> {
  return db.$queryRawUnsafe<T>(dialectOf(db) === "postgresql" ? query.text : query.sql, ...query.values);
}

/** A PrismaPromise, so it can join a batch `$transaction([...])`. */
export function executeSql(db: Tx, query: Prisma.Sql): ReturnType<Tx["$executeRawUnsafe"]> {
  return db.$executeRawUnsafe(dialectOf(db) === "postgresql" ? query.text : query.sql, ...query.values);
}

/**
 * A DateTime bound as a parameter, comparable with (and insertable into) a DateTime column:
 * SQLite keeps Prisma DateTimes as ISO text with "+00:00", PostgreSQL as timestamp(3) in UTC.
 */
export function dateParam(dialect: Dialect, date: Date): Prisma.Sql {
  return dialect === "postgresql" ? Prisma.sql`${date}::timestamp` : Prisma.sql`${date.toISOString().replace("Z", "+00:00")}`;
}

/**
 * One multi-row INSERT … ON CONFLICT DO NOTHING; returns how many rows were new. Prisma's
 * createMany costs about a millisecond per row on its JS engine, this a tenth of that; callers
 * fill every column that has no database default (ids, createdAt, updatedAt).
 */
export async function insertIgnoringConflicts(
  db: Tx,
  table: string,
  columns: readonly string[],
  rows: readonly Prisma.Sql[][],
  conflictColumns: readonly string[],
): Promise<number> {
  let inserted = 0;
  // SQLite binds at most 999 parameters per statement
  const perStatement = Math.max(1, Math.floor(900 / Math.max(1, columns.length)));
  const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(", ");
  for (const chunk of chunked(rows, perStatement)) {
    const values = chunk.map((row) => Prisma.sql`(${Prisma.join(row)})`);
    inserted += await executeSql(
      db,
      Prisma.sql`INSERT INTO ${Prisma.raw(`"${table}"`)} (${Prisma.raw(quoted(columns))}) VALUES ${Prisma.join(values)} ON CONFLICT (${Prisma.raw(quoted(conflictColumns))}) DO NOTHING`,
    );
  }
  return inserted;
}
