// The few SQL fragments that differ between SQLite and PostgreSQL, for the report queries that
// Prisma's groupBy/aggregate cannot express (date arithmetic, shop-local months).
// SQLite keeps Prisma DateTimes as ISO text ("2026-01-31T15:00:00.000+00:00"), PostgreSQL as
// timestamp(3) in UTC.
import { Prisma } from "~/db.server";
import { moneyToNumber } from "~/lib/money";
import { offsetMinutes } from "~/modules/platform/time/shop-time";

import { dateParam, type Dialect } from "~/lib/raw-sql.server";
import { firstPiece, itemAt } from "~/lib/arrays";

export { dateParam, dialectOf, queryRows, type Dialect } from "~/lib/raw-sql.server";

/** Days between two DateTime expressions (later − earlier), fractional. */
export function daysBetweenSql(dialect: Dialect, earlier: Prisma.Sql, later: Prisma.Sql): Prisma.Sql {
  return dialect === "postgresql"
    ? Prisma.sql`(EXTRACT(EPOCH FROM (${later} - ${earlier})) / 86400.0)`
    : Prisma.sql`(julianday(${later}) - julianday(${earlier}))`;
}

/** Whole days from `earlier` to `later` (floor), e.g. the recency of a last order. */
export function wholeDaysSql(dialect: Dialect, earlier: Prisma.Sql, later: Prisma.Sql): Prisma.Sql {
  return dialect === "postgresql"
    ? Prisma.sql`CAST(FLOOR(EXTRACT(EPOCH FROM (${later} - ${earlier})) / 86400.0) AS INTEGER)`
    : Prisma.sql`CAST(julianday(${later}) - julianday(${earlier}) AS INTEGER)`;
}

/** A raw DateTime value (a Date from PostgreSQL, ISO text from SQLite) as a Date. */
export function dateValue(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/**
 * `"Order" o`, on SQLite pinned to the covering reports index: its planner prefers the
 * (shopId, shopifyCreatedAt) index for a date range and then reads every order row, which is
 * ten times slower over a long range. PostgreSQL's planner chooses well with its statistics.
 */
export function ordersTable(dialect: Dialect): Prisma.Sql {
  return dialect === "postgresql" ? Prisma.sql`"Order" o` : Prisma.sql`"Order" AS o INDEXED BY "Order_reports_idx"`;
}

/** A true/false column as SQL compares it. */
export function trueSql(dialect: Dialect): Prisma.Sql {
  return dialect === "postgresql" ? Prisma.sql`TRUE` : Prisma.sql`1`;
}

/** The instants in [from, to) where the zone's UTC offset changes, to the minute, with the offset after each. */
export function offsetChanges(timezone: string, from: Date, to: Date): { at: Date; offset: number }[] {
  const changes: { at: Date; offset: number }[] = [];
  const DAY = 86_400_000;
  let previous = offsetMinutes(from, timezone);
  for (let t = from.getTime() + DAY; t < to.getTime() + DAY; t += DAY) {
    const offset = offsetMinutes(new Date(t), timezone);
    if (offset === previous) continue;
    let lo = t - DAY;
    let hi = t;
    while (hi - lo > 60_000) {
      const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000;
      if (mid <= lo || mid >= hi) break;
      if (offsetMinutes(new Date(mid), timezone) === previous) lo = mid;
      else hi = mid;
    }
    changes.push({ at: new Date(hi), offset });
    previous = offset;
  }
  return changes;
}

/** The zone's UTC offset in minutes at a DateTime expression, for SQLite: the offsets over the span written into the query as a CASE. */
function sqliteOffsetSql(
  dialect: Dialect,
  column: Prisma.Sql,
  timezone: string,
  span: { from: Date; to: Date },
): Prisma.Sql {
  const first = offsetMinutes(span.from, timezone);
  const changes = offsetChanges(timezone, span.from, span.to);
  return changes.length === 0
    ? Prisma.sql`${first}`
    : Prisma.sql`(CASE ${Prisma.join(
        changes.map(
          (c, i) =>
            Prisma.sql`WHEN ${column} < ${dateParam(dialect, c.at)} THEN ${i === 0 ? first : itemAt(changes, i - 1, "offset change").offset}`,
        ),
        " ",
      )} ELSE ${itemAt(changes, changes.length - 1, "offset change").offset} END)`;
}

/**
 * The shop-local month of a DateTime expression as year × 12 + month − 1. PostgreSQL knows the
 * zones; for SQLite the zone's offsets over the span are written into the query as a CASE.
 */
export function localMonthSql(
  dialect: Dialect,
  column: Prisma.Sql,
  timezone: string,
  span: { from: Date; to: Date },
): Prisma.Sql {
  if (dialect === "postgresql") {
    const local = Prisma.sql`((${column} AT TIME ZONE 'UTC') AT TIME ZONE ${timezone})`;
    return Prisma.sql`(CAST(EXTRACT(YEAR FROM ${local}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM ${local}) AS INTEGER) - 1)`;
  }
  const local = Prisma.sql`(julianday(${column}) + ${sqliteOffsetSql(dialect, column, timezone, span)} / 1440.0)`;
  return Prisma.sql`(CAST(strftime('%Y', ${local}) AS INTEGER) * 12 + CAST(strftime('%m', ${local}) AS INTEGER) - 1)`;
}

/** The shop-local calendar day of a DateTime expression as a whole number (only equality between days is meaningful). */
export function localDaySql(
  dialect: Dialect,
  column: Prisma.Sql,
  timezone: string,
  span: { from: Date; to: Date },
): Prisma.Sql {
  if (dialect === "postgresql") {
    return Prisma.sql`(CAST(((${column} AT TIME ZONE 'UTC') AT TIME ZONE ${timezone}) AS DATE) - DATE '2000-01-01')`;
  }
  // Julian days begin at noon UTC: + 0.5 moves the boundary to local midnight.
  return Prisma.sql`CAST(julianday(${column}) + ${sqliteOffsetSql(dialect, column, timezone, span)} / 1440.0 + 0.5 AS INTEGER)`;
}

/** A SUM of milli-unit money from a raw query (bigint, number, Decimal or string by driver) in currency units. */
export function milliSum(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "bigint") return moneyToNumber(value);
  return moneyToNumber(BigInt(firstPiece(String(value), ".")));
}

/** A COUNT or other whole number from a raw query. */
export function whole(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}
