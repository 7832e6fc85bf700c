// Raw SQL that runs on both providers. Each provider's Prisma client has its own Prisma.Sql
// class, so a fragment built with one is not recognised as SQL by the other's tagged template;
// rendering the text ourselves (`?` for SQLite, `$n` for PostgreSQL) works with either.
import type BetterSqlite3 from "better-sqlite3";
import { Prisma, sqliteConnection, type Tx } from "~/db.server";
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

/** SQLite's text form of a Prisma DateTime ("…+00:00"), which it compares and sorts as text */
const sqliteDate = (date: Date) => date.toISOString().replace("Z", "+00:00");

/**
 * A multi-row VALUES list rendered as text with its bound values, without a Prisma.Sql object per
 * value: `(?, ?, …), …` for SQLite (dates as its text form, booleans as 0/1), `($1::text, …)` for
 * PostgreSQL (typed, NULL and booleans as literals, as `typedParam`).
 */
function renderValues(
  dialect: Dialect,
  columns: readonly Column[],
  rows: readonly SqlValue[][],
  params: unknown[],
): string {
  const out: string[] = [];
  for (const row of rows) {
    const cells: string[] = [];
    for (let i = 0; i < columns.length; i++) {
      const type = columns[i]!.type;
      const value = row[i] ?? null;
      if (dialect === "sqlite") {
        cells.push("?");
        params.push(type === "boolean" ? (value ? 1 : 0) : value instanceof Date ? sqliteDate(value) : value);
      } else if (type === "boolean") cells.push(value ? "TRUE" : "FALSE");
      else if (value === null) cells.push(`NULL::${type}`);
      else {
        params.push(value);
        cells.push(`$${params.length}::${type}`);
      }
    }
    out.push(`(${cells.join(", ")})`);
  }
  return out.join(", ");
}

/** prepared statements of the set-based writers, per connection (their text repeats per batch size) */
const statementCache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();
const STATEMENTS_KEPT = 64;

/**
 * Runs a write rendered by this module. On SQLite straight on the adapter's connection (inside
 * the caller's transaction: it is the same connection), with the statement prepared once per
 * text; on PostgreSQL through Prisma. Returns the rows changed.
 */
async function executeRendered(db: Tx, dialect: Dialect, sql: string, params: unknown[]): Promise<number> {
  const connection = dialect === "sqlite" ? sqliteConnection(db) : null;
  if (!connection) return db.$executeRawUnsafe(sql, ...params);
  return preparedOn(connection, sql).run(params).changes;
}

function preparedOn(connection: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = statementCache.get(connection);
  if (!cache) statementCache.set(connection, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    statement = connection.prepare(sql);
    if (cache.size >= STATEMENTS_KEPT) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(sql, statement);
  }
  return statement;
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
  const names = quoteNames(columns.map((c) => c.name));
  let written = 0;
  for (const chunk of chunked(rows, Math.max(1, Math.floor(PARAMS_PER_STATEMENT / columns.length)))) {
    const params: unknown[] = [];
    const values = renderValues(dialect, columns, chunk, params);
    written += await executeRendered(
      db,
      dialect,
      `INSERT INTO "${table}" (${names}) VALUES ${values}${onConflict ? ` ON CONFLICT ${onConflict}` : ""}`,
      params,
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
  const names = quoteNames(columns.map((c) => c.name));
  let written = 0;
  for (const chunk of chunked(rows, Math.max(1, Math.floor(PARAMS_PER_STATEMENT / columns.length)))) {
    const params: unknown[] = [];
    const values = renderValues(dialect, columns, chunk, params);
    written += await executeRendered(
      db,
      dialect,
      `WITH v(${names}) AS (VALUES ${values}) UPDATE "${table}" AS t SET ${assignments} FROM v WHERE t."${key}" = v."${key}" AND (${condition})`,
      params,
    );
  }
  return written;
}

/** A column read back by `selectWhereIn`, with the JS type Prisma would give it. */
function readValue(type: SqlType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "timestamp":
      return new Date(String(value));
    case "bigint":
      return typeof value === "bigint" ? value : BigInt(value as number);
    case "integer":
      return Number(value);
    case "boolean":
      return Number(value) !== 0;
    default:
      return value;
  }
}

/**
 * Reads `columns` of the rows of `table` whose `equal` columns match and whose `inColumn` is one
 * of `values` (distinct, a query per 400), plus an optional SQL `condition` on SQLite's stored
 * form (booleans 0/1). On SQLite straight on the adapter's connection (the set-based writers'
 * reads: through Prisma a read with a 200-value IN list cost several milliseconds of CPU); on
 * PostgreSQL `viaPrisma` answers each chunk. Both give the same shape: `viaPrisma` types it.
 */
export async function selectWhereIn<T>(
  db: Tx,
  table: string,
  columns: readonly Column[],
  equal: Readonly<Record<string, string>>,
  inColumn: string,
  values: readonly string[],
  viaPrisma: (chunk: string[]) => Promise<T[]>,
  condition?: string,
): Promise<T[]> {
  const distinct = [...new Set(values)];
  const connection = sqliteConnection(db);
  const out: T[] = [];
  for (const chunk of chunked(distinct)) {
    if (!connection) {
      out.push(...(await viaPrisma(chunk)));
      continue;
    }
    const conditions = [
      ...Object.keys(equal).map((name) => `"${name}" = ?`),
      `"${inColumn}" IN (${chunk.map(() => "?").join(", ")})`,
      ...(condition ? [condition] : []),
    ];
    const statement = preparedOn(
      connection,
      `SELECT ${quoteNames(columns.map((c) => c.name))} FROM "${table}" WHERE ${conditions.join(" AND ")}`,
    );
    for (const row of statement.raw(true).all(...Object.values(equal), ...chunk) as unknown[][]) {
      const record: Record<string, unknown> = {};
      columns.forEach((c, i) => (record[c.name] = readValue(c.type, row[i])));
      out.push(record as T);
    }
  }
  return out;
}

/** A statement without parameters or rows (`SAVEPOINT …`): driver-direct on SQLite, as above. */
export async function executeStatement(db: Tx, sql: string): Promise<void> {
  const connection = sqliteConnection(db);
  if (connection) preparedOn(connection, sql).run();
  else await db.$executeRawUnsafe(sql);
}
