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
  return dialect === "postgresql"
    ? Prisma.sql`${date}::timestamp`
    : Prisma.sql`${date.toISOString().replace("Z", "+00:00")}`;
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

/** The column types the set-based writers bind (PostgreSQL needs them spelled out in a VALUES list). */
export type SqlType = "text" | "integer" | "bigint" | "timestamp" | "boolean";
export type SqlValue = string | number | bigint | boolean | Date | null;

/**
 * A value bound for a column of `type`, typed on PostgreSQL (`$1::bigint`): a VALUES list in a
 * CTE has no target column to infer it from. Booleans are literals (SQLite keeps them as 0/1).
 */
export function typedParam(dialect: Dialect, value: SqlValue, type: SqlType): Prisma.Sql {
  if (type === "boolean")
    return Prisma.raw(value ? (dialect === "postgresql" ? "TRUE" : "1") : dialect === "postgresql" ? "FALSE" : "0");
  if (value === null) return Prisma.raw(dialect === "postgresql" ? `NULL::${type}` : "NULL");
  if (value instanceof Date) return dateParam(dialect, value);
  return dialect === "postgresql" ? Prisma.sql`${value}::${Prisma.raw(type)}` : Prisma.sql`${value}`;
}

/** bound parameters per multi-row statement: well under SQLite's 32,766 and PostgreSQL's 65,535 */
const PARAMS_PER_STATEMENT = 8000;

export interface Column {
  name: string;
  type: SqlType;
}

const quoteNames = (names: readonly string[]) => names.map((n) => `"${n}"`).join(", ");

function rowsSql(dialect: Dialect, columns: readonly Column[], rows: readonly SqlValue[][]): Prisma.Sql[] {
  return rows.map(
    (row) => Prisma.sql`(${Prisma.join(columns.map((c, i) => typedParam(dialect, row[i] ?? null, c.type)))})`,
  );
}

/**
 * One multi-row INSERT per few thousand values (no ON CONFLICT unless `onConflict` is given,
 * e.g. `("shopId", "kind", "subjectKey") DO NOTHING`): a unique violation throws, so a caller
 * inside a savepoint can fall back to its row-by-row path. Returns the rows written.
 */
export async function insertRows(
  db: Tx,
  table: string,
  columns: readonly Column[],
  rows: readonly SqlValue[][],
  onConflict?: string,
): Promise<number> {
  const dialect = dialectOf(db);
  let written = 0;
  for (const chunk of chunked(rows, Math.max(1, Math.floor(PARAMS_PER_STATEMENT / columns.length)))) {
    written += await executeSql(
      db,
      Prisma.sql`INSERT INTO ${Prisma.raw(`"${table}"`)} (${Prisma.raw(quoteNames(columns.map((c) => c.name)))}) VALUES ${Prisma.join(rowsSql(dialect, columns, chunk))}${Prisma.raw(onConflict ? ` ON CONFLICT ${onConflict}` : "")}`,
    );
  }
  return written;
}

/**
 * Updates many rows from one VALUES list: `WITH v(…) AS (VALUES …) UPDATE "T" AS t SET … FROM v
 * WHERE t."<key>" = v."<key>" AND (<condition>)`. `assignments` and `condition` are SQL written
 * against the aliases `t` (the stored row) and `v` (the incoming values); a condition such as
 * newer-wins is then checked by the UPDATE itself, row by row (PostgreSQL re-checks it after
 * waiting for a concurrent writer). Returns the rows changed.
 */
export async function updateFromValues(
  db: Tx,
  table: string,
  key: string,
  columns: readonly Column[],
  rows: readonly SqlValue[][],
  assignments: string,
  condition = "TRUE",
): Promise<number> {
  const dialect = dialectOf(db);
  let written = 0;
  for (const chunk of chunked(rows, Math.max(1, Math.floor(PARAMS_PER_STATEMENT / columns.length)))) {
    written += await executeSql(
      db,
      Prisma.sql`WITH v(${Prisma.raw(quoteNames(columns.map((c) => c.name)))}) AS (VALUES ${Prisma.join(rowsSql(dialect, columns, chunk))}) UPDATE ${Prisma.raw(`"${table}"`)} AS t SET ${Prisma.raw(assignments)} FROM v WHERE t."${Prisma.raw(key)}" = v."${Prisma.raw(key)}" AND (${Prisma.raw(condition)})`,
    );
  }
  return written;
}
