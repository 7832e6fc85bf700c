// One scenario's weekly trend for its page: the emails sent each week and what became of them
// (opened, clicked), and the orders its clicks brought (last click, within the shop's attribution
// days — the Reports page's rule). Weeks are the seven-day spans ending now, so the newest week
// is always complete up to this moment and no timezone is involved.
import { Prisma, type Tx } from "~/db.server";
import { attributedPairs, attributionWindowsOf } from "~/modules/reports/scenario-reports.server";
import { daysBetweenSql, dateParam, dialectOf, queryRows, whole } from "~/modules/reports/sql.server";

export const TREND_WEEKS = 12;
const WEEK_MS = 7 * 86_400_000;

export interface TrendWeek {
  /** start of the seven-day span (ISO) */
  from: string;
  sent: number;
  opened: number;
  clicked: number;
  orders: number;
}

export async function scenarioWeeklyTrend(
  db: Tx,
  shopId: string,
  scenario: string,
  now: Date,
  weeks = TREND_WEEKS,
): Promise<TrendWeek[]> {
  const d = dialectOf(db);
  const start = new Date(now.getTime() - weeks * WEEK_MS);
  // whole weeks since the start (never negative here, so SQLite's truncating CAST is a floor)
  const bucketOf = (column: Prisma.Sql) => {
    const days = daysBetweenSql(d, dateParam(d, start), column);
    return d === "postgresql"
      ? Prisma.sql`CAST(FLOOR(${days} / 7) AS INTEGER)`
      : Prisma.sql`CAST(${days} / 7 AS INTEGER)`;
  };
  const windows = await attributionWindowsOf(db, shopId);
  const [sends, attributed] = await Promise.all([
    queryRows<{ w: unknown; sent: unknown; opened: unknown; clicked: unknown }[]>(
      db,
      Prisma.sql`
      SELECT ${bucketOf(Prisma.sql`m."sentAt"`)} AS w, COUNT(*) AS sent, COUNT(m."openedAt") AS opened, COUNT(m."clickedAt") AS clicked
      FROM "Message" m
      WHERE m."shopId" = ${shopId} AND m.scenario = ${scenario} AND m.status = 'sent'
        AND m."sentAt" >= ${dateParam(d, start)} AND m."sentAt" < ${dateParam(d, now)}
      GROUP BY 1`,
    ),
    // every scenario's touches, so an order goes to the latest touch even when it was another scenario's
    attributedPairs(
      db,
      shopId,
      (touch) => Prisma.sql`${touch} >= ${dateParam(d, start)} AND ${touch} < ${dateParam(d, now)}`,
      Prisma.sql`1 = 1`,
      windows,
    ),
  ]);
  const trend: TrendWeek[] = Array.from({ length: weeks }, (_, i) => ({
    from: new Date(start.getTime() + i * WEEK_MS).toISOString(),
    sent: 0,
    opened: 0,
    clicked: 0,
    orders: 0,
  }));
  for (const row of sends) {
    const week = trend[whole(row.w)];
    if (!week) continue;
    week.sent = whole(row.sent);
    week.opened = whole(row.opened);
    week.clicked = whole(row.clicked);
  }
  for (const pair of attributed.values()) {
    if (pair.scenario !== scenario) continue;
    const week = trend[Math.floor((pair.touchedAt.getTime() - start.getTime()) / WEEK_MS)];
    if (week) week.orders += 1;
  }
  return trend;
}
