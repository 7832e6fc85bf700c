// Scenario effect and email-driven revenue, from the message ledger.
// - The messages of a range are the ledger rows planned (created) in it.
// - Attribution (last touch): a counted order by the message's customer placed within
//   attributionDays after the message's (first) click, or openAttributionDays after its (first)
//   open. An order that follows touches on several messages goes to the latest touch before it
//   (a click over an open at the same instant), so no order is counted twice. This is what the
//   email was near, not what it caused: the holdout's incremental revenue (lift) is that.
// - Lift: every sent and every held-out row is one unit; its outcome is the customer's counted
//   orders within attributionDays after it was sent (held out: after it would have been — the
//   end of its deferral, else its due time). Method: ./lift.ts.
import { Prisma, type Tx } from "~/db.server";
import { SCENARIO_KEYS } from "~/modules/platform/settings/scenario-keys";
import { getShopSettings } from "~/modules/platform/settings/shop-settings.server";
import { computeLift, type GroupOutcome } from "./lift";
import { formatLocalDate, parseLocalDate } from "~/modules/platform/time/local-dates";
import { localDaysToInstants, sameDayLastYear } from "./range";
import { dateParam, dialectOf, trueSql, whole, type Dialect, queryRows } from "./sql.server";
import { ratio, roundMoney, roundRate } from "./stats";
import type { EmailRevenuePeriod, EmailRevenueReport, ReportRange, ScenarioEffect, ScenarioReport } from "./types";

/** `later` falls in [earlier, earlier + days). */
function withinDaysAfter(d: Dialect, later: Prisma.Sql, earlier: Prisma.Sql, days: number): Prisma.Sql {
  return d === "postgresql"
    ? Prisma.sql`${later} >= ${earlier} AND ${later} < ${earlier} + (${days} * INTERVAL '1 day')`
    : Prisma.sql`${later} >= ${earlier} AND julianday(${later}) < julianday(${earlier}) + ${days}`;
}

/** How long after a click, and after an open, an order is credited to the email (settings; 0 days: that touch is not counted). */
export interface AttributionWindows {
  clickDays: number;
  openDays: number;
}

export async function attributionWindowsOf(db: Tx, shopId: string): Promise<AttributionWindows> {
  const { settings } = await getShopSettings(db, shopId);
  return { clickDays: settings.attributionDays, openDays: settings.openAttributionDays };
}

interface AttributionRow {
  scenario: string;
  orderId: string;
  touchedAt: Date;
  touch: "click" | "open";
  net: number;
}

const TOUCH_COLUMNS = { click: Prisma.sql`m."clickedAt"`, open: Prisma.sql`m."openedAt"` } as const;

/**
 * Orders attributed by last touch: one query per touch (click, open) for the (order, message)
 * pairs in that touch's window, then the latest touch per order picked in JS.
 * `messageWhere` gets the touch's column, so a period can select the touches in it.
 */
export async function attributedPairs(
  db: Tx,
  shopId: string,
  messageWhere: (touch: Prisma.Sql) => Prisma.Sql,
  orderWhere: Prisma.Sql,
  windows: AttributionWindows,
): Promise<Map<string, AttributionRow>> {
  const d = dialectOf(db);
  const touches = (["click", "open"] as const).filter(
    (touch) => (touch === "click" ? windows.clickDays : windows.openDays) > 0,
  );
  const byOrder = new Map<string, AttributionRow>();
  for (const touch of touches) {
    const column = TOUCH_COLUMNS[touch];
    const days = touch === "click" ? windows.clickDays : windows.openDays;
    const rows = await queryRows<{ scenario: string; orderId: string; touchedAt: Date | string; net: unknown }[]>(
      db,
      Prisma.sql`
      SELECT m.scenario AS scenario, o.id AS "orderId", ${column} AS "touchedAt", o."totalPrice" - o."totalRefunded" AS net
      FROM "Message" m JOIN "Order" o ON o."shopId" = m."shopId" AND o."customerId" = m."customerId"
      WHERE m."shopId" = ${shopId} AND ${column} IS NOT NULL AND ${messageWhere(column)}
        AND o.counted = ${trueSql(d)} AND ${orderWhere}
        AND ${withinDaysAfter(d, Prisma.sql`o."shopifyCreatedAt"`, column, days)}`,
    );
    for (const row of rows) {
      const touchedAt = new Date(row.touchedAt);
      const current = byOrder.get(row.orderId);
      // clicks come first, so at an equal instant the click keeps the order
      if (current && current.touchedAt.getTime() >= touchedAt.getTime()) continue;
      byOrder.set(row.orderId, {
        scenario: row.scenario,
        orderId: row.orderId,
        touchedAt,
        touch,
        net: Number(String(row.net)) / 1000,
      });
    }
  }
  return byOrder;
}

function emptyEffect(key: string): ScenarioEffect {
  return {
    key,
    planned: 0,
    heldOut: 0,
    sent: 0,
    delivered: 0,
    opened: 0,
    clicked: 0,
    unsubscribed: 0,
    attributedOrders: 0,
    attributedRevenue: 0,
    attributedOrdersByOpen: 0,
    revenuePerRecipient: 0,
    lift: null,
  };
}

const emptyOutcome = (): GroupOutcome => ({ n: 0, conversions: 0, revenue: 0, revenueSquares: 0 });

export async function getScenarioReport(db: Tx, shopId: string, range: ReportRange): Promise<ScenarioReport> {
  const d = dialectOf(db);
  const windows = await attributionWindowsOf(db, shopId);
  // The lift's outcome window: the click window (a held-out customer has no touch to count from).
  const days = windows.clickDays;
  const inRange = Prisma.sql`m."createdAt" >= ${dateParam(d, range.from)} AND m."createdAt" < ${dateParam(d, range.to)}`;
  const exposure = Prisma.sql`(CASE WHEN m.status = 'sent' THEN m."sentAt" ELSE COALESCE(m."deferredUntil", m."dueAt") END)`;
  const [statusCounts, recipients, attributed, outcomes] = await Promise.all([
    db.message.groupBy({
      by: ["scenario", "status"],
      where: { shopId, createdAt: { gte: range.from, lt: range.to } },
      _count: { _all: true, deliveredAt: true, openedAt: true, clickedAt: true, unsubscribedAt: true },
    }),
    queryRows<{ scenario: string; n: unknown }[]>(
      db,
      Prisma.sql`
      SELECT m.scenario AS scenario, COUNT(DISTINCT m."customerId") AS n FROM "Message" m
      WHERE m."shopId" = ${shopId} AND m.status = 'sent' AND ${inRange} GROUP BY m.scenario`,
    ),
    attributedPairs(db, shopId, () => inRange, Prisma.sql`1 = 1`, windows),
    queryRows<
      { scenario: string; held: unknown; n: unknown; conversions: unknown; revenue: unknown; squares: unknown }[]
    >(
      db,
      Prisma.sql`
      SELECT per.scenario AS scenario, per.held AS held, COUNT(*) AS n,
        SUM(CASE WHEN per.orders > 0 THEN 1 ELSE 0 END) AS conversions,
        SUM(per.revenue) AS revenue, SUM(per.revenue * per.revenue) AS squares
      FROM (
        SELECT m.id AS id, m.scenario AS scenario, CASE WHEN m.status = 'sent' THEN 0 ELSE 1 END AS held, COUNT(o.id) AS orders,
          COALESCE(SUM(o."totalPrice" - o."totalRefunded"), 0) / 1000.0 AS revenue
        FROM "Message" m LEFT JOIN "Order" o ON o."shopId" = m."shopId" AND o."customerId" = m."customerId" AND o.counted = ${trueSql(d)}
          AND ${withinDaysAfter(d, Prisma.sql`o."shopifyCreatedAt"`, exposure, days)}
        WHERE m."shopId" = ${shopId} AND m.status IN ('sent', 'held_out') AND ${inRange}
        GROUP BY m.id, m.scenario, m.status
      ) per GROUP BY per.scenario, per.held`,
    ),
  ]);

  const effects = new Map<string, ScenarioEffect>(SCENARIO_KEYS.map((key) => [key, emptyEffect(key)]));
  const effect = (key: string) => {
    let e = effects.get(key);
    if (!e) effects.set(key, (e = emptyEffect(key)));
    return e;
  };
  for (const row of statusCounts) {
    const e = effect(row.scenario);
    e.planned += row._count._all;
    if (row.status === "held_out") e.heldOut += row._count._all;
    if (row.status === "sent") e.sent += row._count._all;
    e.delivered += row._count.deliveredAt;
    e.opened += row._count.openedAt;
    e.clicked += row._count.clickedAt;
    e.unsubscribed += row._count.unsubscribedAt;
  }
  for (const a of attributed.values()) {
    const e = effect(a.scenario);
    e.attributedOrders += 1;
    e.attributedRevenue += a.net;
    if (a.touch === "open") e.attributedOrdersByOpen += 1;
  }
  const recipientsBy = new Map(recipients.map((r) => [r.scenario, whole(r.n)]));
  const groups = new Map<string, { sent: GroupOutcome; held: GroupOutcome }>();
  for (const row of outcomes) {
    const g = groups.get(row.scenario) ?? { sent: emptyOutcome(), held: emptyOutcome() };
    const target = whole(row.held) === 1 ? g.held : g.sent;
    target.n += whole(row.n);
    target.conversions += whole(row.conversions);
    target.revenue += Number(row.revenue ?? 0);
    target.revenueSquares += Number(row.squares ?? 0);
    groups.set(row.scenario, g);
  }
  const total = emptyEffect("total");
  const totalGroups = { sent: emptyOutcome(), held: emptyOutcome() };
  let totalRecipients = 0;
  for (const e of effects.values()) {
    const recipientsOf = recipientsBy.get(e.key) ?? 0;
    const g = groups.get(e.key);
    e.attributedRevenue = roundMoney(e.attributedRevenue);
    e.revenuePerRecipient = roundMoney(ratio(e.attributedRevenue, recipientsOf));
    e.lift = g ? computeLift(g.sent, g.held) : null;
    for (const field of [
      "planned",
      "heldOut",
      "sent",
      "delivered",
      "opened",
      "clicked",
      "unsubscribed",
      "attributedOrders",
      "attributedRevenue",
      "attributedOrdersByOpen",
    ] as const)
      total[field] += e[field];
    if (g)
      for (const side of ["sent", "held"] as const)
        for (const f of ["n", "conversions", "revenue", "revenueSquares"] as const) totalGroups[side][f] += g[side][f];
    totalRecipients += recipientsOf;
  }
  total.attributedRevenue = roundMoney(total.attributedRevenue);
  total.revenuePerRecipient = roundMoney(ratio(total.attributedRevenue, totalRecipients));
  total.lift = computeLift(totalGroups.sent, totalGroups.held);
  return {
    attributionDays: windows.clickDays,
    openAttributionDays: windows.openDays,
    scenarios: [...effects.values()],
    total,
  };
}

async function emailRevenueBetween(
  db: Tx,
  shopId: string,
  from: Date,
  to: Date,
  windows: AttributionWindows,
): Promise<{ attributedOrders: number; attributedRevenue: number }> {
  const d = dialectOf(db);
  // Touches up to a window before the period can still bring orders inside it.
  const touchedSince = new Date(from.getTime() - Math.max(windows.clickDays, windows.openDays) * 86_400_000);
  const attributed = await attributedPairs(
    db,
    shopId,
    (touch) => Prisma.sql`${touch} >= ${dateParam(d, touchedSince)} AND ${touch} < ${dateParam(d, to)}`,
    Prisma.sql`o."shopifyCreatedAt" >= ${dateParam(d, from)} AND o."shopifyCreatedAt" < ${dateParam(d, to)}`,
    windows,
  );
  let revenue = 0;
  for (const a of attributed.values()) revenue += a.net;
  return { attributedOrders: attributed.size, attributedRevenue: roundMoney(revenue) };
}

export async function getEmailRevenueReport(db: Tx, shopId: string, range: ReportRange): Promise<EmailRevenueReport> {
  const windows = await attributionWindowsOf(db, shopId);
  const fromDate = parseLocalDate(range.fromDate);
  const toDate = parseLocalDate(range.toDate);
  if (!fromDate || !toDate) throw new Error(`unresolved report range ${range.fromDate}..${range.toDate}`);
  const lastFrom = sameDayLastYear(fromDate);
  const lastTo = sameDayLastYear(toDate);
  const previousSpan = localDaysToInstants(lastFrom, lastTo, range.timezone);
  const [current, previous] = await Promise.all([
    emailRevenueBetween(db, shopId, range.from, range.to, windows),
    emailRevenueBetween(db, shopId, previousSpan.from, previousSpan.to, windows),
  ]);
  const period = (from: string, to: string, v: typeof current): EmailRevenuePeriod => ({
    fromDate: from,
    toDate: to,
    ...v,
  });
  return {
    current: period(range.fromDate, range.toDate, current),
    previousYear: period(formatLocalDate(lastFrom), formatLocalDate(lastTo), previous),
    change:
      previous.attributedRevenue > 0 ? roundRate(current.attributedRevenue / previous.attributedRevenue - 1) : null,
  };
}
