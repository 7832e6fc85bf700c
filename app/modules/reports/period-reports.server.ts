// Reports over the orders placed in the range (counted orders only: not cancelled, voided, test
// or fully refunded; net = total price − refunded). Aggregates run in the database.
import { Prisma, type Tx } from "~/db.server";
import { dateParam, dialectOf, milliSum, ordersTable, trueSql, whole, queryRows } from "./sql.server";
import { ratio, roundMoney, roundRate } from "./stats";
import type { ParetoDecile, ParetoReport, ReportRange, SummaryReport } from "./types";

export function countedOrdersInRange(db: Tx, shopId: string, range: ReportRange): Prisma.Sql {
  const d = dialectOf(db);
  return Prisma.sql`o."shopId" = ${shopId} AND o.counted = ${trueSql(d)} AND o."shopifyCreatedAt" >= ${dateParam(d, range.from)} AND o."shopifyCreatedAt" < ${dateParam(d, range.to)}`;
}

export async function getSummaryReport(db: Tx, shopId: string, range: ReportRange): Promise<SummaryReport> {
  const [totals, newCustomers] = await Promise.all([
    queryRows<{ orders: unknown; net: unknown; customers: unknown }[]>(db, Prisma.sql`
      SELECT COUNT(*) AS orders, SUM(o."totalPrice" - o."totalRefunded") AS net, COUNT(DISTINCT o."customerId") AS customers
      FROM ${ordersTable(dialectOf(db))} WHERE ${countedOrdersInRange(db, shopId, range)}`),
    db.customer.count({ where: { shopId, ordersCount: { gt: 0 }, firstOrderAt: { gte: range.from, lt: range.to } } }),
  ]);
  const orders = whole(totals[0]?.orders);
  const netRevenue = milliSum(totals[0]?.net);
  return {
    currency: range.currency,
    customers: whole(totals[0]?.customers),
    newCustomers,
    orders,
    netRevenue: roundMoney(netRevenue),
    averageOrderValue: roundMoney(ratio(netRevenue, orders)),
  };
}

/**
 * Customers ranked by their net revenue in the range (highest first); rank k of n falls in
 * decile ⌊(k−1)·10/n⌋+1, so the top 20% are the first ⌈n/5⌉. Ranked in SQL with window
 * functions: only ten rows leave the database.
 */
export async function getParetoReport(db: Tx, shopId: string, range: ReportRange): Promise<ParetoReport> {
  const rows = await queryRows<{ decile: unknown; customers: unknown; revenue: unknown }[]>(db, Prisma.sql`
    SELECT ranked.decile AS decile, COUNT(*) AS customers, SUM(ranked.net) AS revenue FROM (
      SELECT ((ROW_NUMBER() OVER (ORDER BY per.net DESC) - 1) * 10) / COUNT(*) OVER () + 1 AS decile, per.net AS net
      FROM (SELECT SUM(o."totalPrice" - o."totalRefunded") AS net FROM ${ordersTable(dialectOf(db))}
            WHERE ${countedOrdersInRange(db, shopId, range)} AND o."customerId" IS NOT NULL GROUP BY o."customerId") per
    ) ranked GROUP BY ranked.decile ORDER BY ranked.decile`);
  const found = new Map(rows.map((r) => [whole(r.decile), { customers: whole(r.customers), revenue: milliSum(r.revenue) }]));
  const customers = [...found.values()].reduce((s, r) => s + r.customers, 0);
  const netRevenue = [...found.values()].reduce((s, r) => s + r.revenue, 0);
  let cumulative = 0;
  const deciles: ParetoDecile[] = Array.from({ length: 10 }, (_, i) => {
    const { customers: count, revenue } = found.get(i + 1) ?? { customers: 0, revenue: 0 };
    cumulative += revenue;
    return { decile: i + 1, customers: count, revenue: roundMoney(revenue), share: roundRate(ratio(revenue, netRevenue)), cumulativeShare: roundRate(ratio(cumulative, netRevenue)) };
  });
  return { customers, netRevenue: roundMoney(netRevenue), top20Share: deciles[1].cumulativeShare, deciles };
}
