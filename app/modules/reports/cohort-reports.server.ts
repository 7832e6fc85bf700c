// Monthly cohort retention: customers grouped by the shop-local month of their first counted
// order (in the range), and for each later month the share of them who ordered in it.
// Counted in the database (distinct customers per cohort × order month).
import { Prisma, type Tx } from "~/db.server";
import { assembleRetention } from "./cohorts";
import { dateParam, dialectOf, localMonthSql, trueSql, whole, queryRows } from "./sql.server";
import { localDate } from "~/modules/platform/time/local-dates";
import { monthIndex } from "./range";
import type { CohortReport, ReportRange } from "./types";

export async function getCohortReport(db: Tx, shopId: string, range: ReportRange): Promise<CohortReport> {
  const d = dialectOf(db);
  const span = { from: range.from, to: new Date(Math.max(range.to.getTime(), range.asOf.getTime())) };
  const cohortMonth = localMonthSql(d, Prisma.sql`c."firstOrderAt"`, range.timezone, span);
  const orderMonth = localMonthSql(d, Prisma.sql`o."shopifyCreatedAt"`, range.timezone, span);
  const rows = await queryRows<{ cohort: unknown; month: unknown; customers: unknown }[]>(
    db,
    Prisma.sql`
    SELECT ${cohortMonth} AS cohort, ${orderMonth} AS month, COUNT(DISTINCT o."customerId") AS customers
    FROM "Customer" c JOIN "Order" o ON o."customerId" = c.id AND o."shopId" = c."shopId"
    WHERE c."shopId" = ${shopId} AND c."firstOrderAt" >= ${dateParam(d, range.from)} AND c."firstOrderAt" < ${dateParam(d, range.to)}
      AND o.counted = ${trueSql(d)}
    GROUP BY 1, 2`,
  );
  const now = localDate(range.asOf, range.timezone);
  return assembleRetention(
    rows.map((r) => ({ cohort: whole(r.cohort), month: whole(r.month), customers: whole(r.customers) })),
    monthIndex(now.year, now.month),
  );
}
