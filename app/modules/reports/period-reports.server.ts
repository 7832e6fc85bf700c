// Reports over the orders placed in the range (counted orders only: not cancelled, voided, test
// or fully refunded; net = total price − refunded). Aggregates run in the database.
import { Prisma, type Tx } from "~/db.server";
import { dateParam, dialectOf, milliSum, ordersTable, trueSql, whole, queryRows } from "./sql.server";
import { ratio, roundMoney, roundRate } from "./stats";
import type { ParetoDecile, ParetoReport, ReportRange, SummaryReport } from "./types";
import { itemAt } from "~/lib/arrays";

export function countedOrdersInRange(db: Tx, shopId: string, range: ReportRange): Prisma.Sql {
  const d = dialectOf(db);
  return Prisma.sql`o."shopId" = ${shopId} AND o.counted = ${trueSql(d)} AND o."shopifyCreatedAt" >= ${dateParam(d, range.from)} AND o."shopifyCreatedAt" < ${dateParam(d, range.to)}`;
}

/** What happened in [from, to): the Summary report's figures, and Home's "Last 30 days" tiles (one definition for both). */
export interface PeriodActivity {
  /** distinct customers with a counted order in the period */
  customers: number;
  /** customers whose first counted order is in the period */
  newCustomers: number;
  /** customers with a counted order in the period that was not their first (they had ordered before, or ordered again in it) */
  repeatCustomers: number;
  orders: number;
  /** currency units */
  netRevenue: number;
}

export async function getPeriodActivity(
  db: Tx,
  shopId: string,
  span: { from: Date; to: Date },
): Promise<PeriodActivity> {
  const d = dialectOf(db);
  const counted = Prisma.sql`o."shopId" = ${shopId} AND o.counted = ${trueSql(d)} AND o."shopifyCreatedAt" >= ${dateParam(d, span.from)} AND o."shopifyCreatedAt" < ${dateParam(d, span.to)}`;
  const [totals, repeaters, newCustomers] = await Promise.all([
    queryRows<{ orders: unknown; net: unknown; customers: unknown }[]>(
      db,
      Prisma.sql`
      SELECT COUNT(*) AS orders, SUM(o."totalPrice" - o."totalRefunded") AS net, COUNT(DISTINCT o."customerId") AS customers
      FROM ${ordersTable(d)} WHERE ${counted}`,
    ),
    queryRows<{ n: unknown }[]>(
      db,
      Prisma.sql`
      SELECT COUNT(DISTINCT o."customerId") AS n FROM "Order" o JOIN "Customer" c ON c.id = o."customerId" AND c."shopId" = o."shopId"
      WHERE ${counted} AND o."shopifyCreatedAt" > c."firstOrderAt"`,
    ),
    db.customer.count({ where: { shopId, ordersCount: { gt: 0 }, firstOrderAt: { gte: span.from, lt: span.to } } }),
  ]);
  return {
    customers: whole(totals[0]?.customers),
    newCustomers,
    repeatCustomers: whole(repeaters[0]?.n),
    orders: whole(totals[0]?.orders),
    netRevenue: milliSum(totals[0]?.net),
  };
}

export async function getSummaryReport(db: Tx, shopId: string, range: ReportRange): Promise<SummaryReport> {
  const a = await getPeriodActivity(db, shopId, range);
  return {
    currency: range.currency,
    customers: a.customers,
    newCustomers: a.newCustomers,
    repeatCustomers: a.repeatCustomers,
    repeatRate: roundRate(ratio(a.repeatCustomers, a.customers)),
    orders: a.orders,
    netRevenue: roundMoney(a.netRevenue),
    averageOrderValue: roundMoney(ratio(a.netRevenue, a.orders)),
  };
}

/**
 * Customers ranked by their net revenue in the range (highest first); rank k of n falls in
 * decile ⌊(k−1)·10/n⌋+1, so the top 20% are the first ⌈n/5⌉. Ranked in SQL with window
 * functions: only ten rows leave the database.
 */
export async function getParetoReport(db: Tx, shopId: string, range: ReportRange): Promise<ParetoReport> {
  const rows = await queryRows<{ decile: unknown; customers: unknown; revenue: unknown }[]>(
    db,
    Prisma.sql`
    SELECT ranked.decile AS decile, COUNT(*) AS customers, SUM(ranked.net) AS revenue FROM (
      SELECT ((ROW_NUMBER() OVER (ORDER BY per.net DESC) - 1) * 10) / COUNT(*) OVER () + 1 AS decile, per.net AS net
      FROM (SELECT SUM(o."totalPrice" - o."totalRefunded") AS net FROM ${ordersTable(dialectOf(db))}
            WHERE ${countedOrdersInRange(db, shopId, range)} AND o."customerId" IS NOT NULL GROUP BY o."customerId") per
    ) ranked GROUP BY ranked.decile ORDER BY ranked.decile`,
  );
  const found = new Map(
    rows.map((r) => [whole(r.decile), { customers: whole(r.customers), revenue: milliSum(r.revenue) }]),
  );
  const customers = [...found.values()].reduce((s, r) => s + r.customers, 0);
  const netRevenue = [...found.values()].reduce((s, r) => s + r.revenue, 0);
  let cumulative = 0;
  const deciles: ParetoDecile[] = Array.from({ length: 10 }, (_, i) => {
    const { customers: count, revenue } = found.get(i + 1) ?? { customers: 0, revenue: 0 };
    cumulative += revenue;
    return {
      decile: i + 1,
      customers: count,
      revenue: roundMoney(revenue),
      share: roundRate(ratio(revenue, netRevenue)),
      cumulativeShare: roundRate(ratio(cumulative, netRevenue)),
    };
  });
  return {
    customers,
    netRevenue: roundMoney(netRevenue),
    top20Share: itemAt(deciles, 1, "decile").cumulativeShare,
    deciles,
  };
}
