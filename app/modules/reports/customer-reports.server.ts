// Customer-level reports over the customers acquired in the range (first counted order in it),
// read from the Customer rollups (counted orders, net spend, first/second/last order) and
// measured to date. Everything is counted in the database: only a few dozen rows come back
// (the CLV reads groups by orders and weeks, and a sample of at most CLV_FIT_SAMPLE customers).
import { Prisma, type Tx } from "~/db.server";
import { cachedSplitCheck } from "./clv-check-cache.server";
import { resolveReportRange } from "./range.server";
import {
  computeClv,
  CLV_FIT_SAMPLE,
  fitBgNbdOnGroups,
  holdoutCheck,
  tooLittleHistory,
  type ClvGroup,
  type ClvSampleCustomer,
} from "./clv";
import { monthKey } from "./range";
import { assembleRepeat, F2_WINDOWS, FUNNEL_STAGES } from "./repeat";
import { assembleRfm, type RfmCell } from "./rfm";
import {
  dateParam,
  dateValue,
  daysBetweenSql,
  dialectOf,
  localDaySql,
  localMonthSql,
  trueSql,
  milliSum,
  whole,
  wholeDaysSql,
  type Dialect,
  queryRows,
} from "./sql.server";
import { ratio, roundMoney } from "./stats";
import { LTV_WINDOW_DAYS } from "~/modules/mirror/customers/ltv-windows";
import type { ClvReport, LtvCohort, LtvReport, ReportRange, RepeatReport, RfmReport } from "./types";
import { itemAt } from "~/lib/arrays";

const DAY_MS = 86_400_000;

function acquired(d: Dialect, shopId: string, range: ReportRange): Prisma.Sql {
  return Prisma.sql`c."shopId" = ${shopId} AND c."ordersCount" > 0 AND c."firstOrderAt" >= ${dateParam(d, range.from)} AND c."firstOrderAt" < ${dateParam(d, range.to)}`;
}

/** The middle value of an expression over the acquired customers, by ORDER BY … LIMIT/OFFSET (no percentile function on SQLite). */
async function medianOf(db: Tx, expression: Prisma.Sql, where: Prisma.Sql, count: number): Promise<number | null> {
  if (count === 0) return null;
  const rows = await queryRows<{ v: unknown }[]>(
    db,
    Prisma.sql`
    SELECT ${expression} AS v FROM "Customer" c WHERE ${where} ORDER BY 1 LIMIT ${count % 2 === 1 ? 1 : 2} OFFSET ${Math.floor((count - 1) / 2)}`,
  );
  const values = rows.map((r) => Number(String(r.v)));
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

export async function getLtvReport(db: Tx, shopId: string, range: ReportRange): Promise<LtvReport> {
  const d = dialectOf(db);
  const where = acquired(d, shopId, range);
  const cohortMonth = localMonthSql(d, Prisma.sql`c."firstOrderAt"`, range.timezone, {
    from: range.from,
    to: range.to,
  });
  // The window sums are customer rollups (recompute-rollups.server.ts), so this reads the
  // covering Customer_reports_idx and never an order.
  const [totals, cohortRows] = await Promise.all([
    queryRows<{ n: unknown; total: unknown }[]>(
      db,
      Prisma.sql`SELECT COUNT(*) AS n, SUM(c."netSpend") AS total FROM "Customer" c WHERE ${where}`,
    ),
    queryRows<
      { m: unknown; customers: unknown; youngest: unknown; n30: unknown; n90: unknown; n180: unknown; n365: unknown }[]
    >(
      db,
      Prisma.sql`
      SELECT ${cohortMonth} AS m, COUNT(*) AS customers, MAX(c."firstOrderAt") AS youngest,
        SUM(c.ltv30) AS n30, SUM(c.ltv90) AS n90, SUM(c.ltv180) AS n180, SUM(c.ltv365) AS n365
      FROM "Customer" c WHERE ${where} GROUP BY 1 ORDER BY 1`,
    ),
  ]);
  const customers = whole(totals[0]?.n);
  const median = await medianOf(db, Prisma.sql`c."netSpend"`, where, customers);
  const cohorts: LtvCohort[] = cohortRows.map((row) => {
    const size = whole(row.customers);
    const youngest = dateValue(row.youngest).getTime();
    const sums = [row.n30, row.n90, row.n180, row.n365].map(milliSum);
    // A window is reported once every customer of the cohort has lived through it.
    const value = (i: number) =>
      range.asOf.getTime() - youngest >= itemAt(LTV_WINDOW_DAYS, i, "LTV window") * DAY_MS
        ? roundMoney(itemAt(sums, i, "LTV window") / size)
        : null;
    return {
      cohort: monthKey(whole(row.m)),
      customers: size,
      at30: value(0),
      at90: value(1),
      at180: value(2),
      at365: value(3),
    };
  });
  return {
    customers,
    average: roundMoney(ratio(milliSum(totals[0]?.total), customers)),
    median: roundMoney((median ?? 0) / 1000),
    cohorts,
  };
}

export async function getRepeatReport(db: Tx, shopId: string, range: ReportRange): Promise<RepeatReport> {
  const d = dialectOf(db);
  const where = acquired(d, shopId, range);
  const gap = daysBetweenSql(d, Prisma.sql`c."firstOrderAt"`, Prisma.sql`c."secondOrderAt"`);
  const windows = F2_WINDOWS.map((days) => {
    // Only customers who have had the whole window can have converted within it.
    const cutoff = dateParam(d, new Date(range.asOf.getTime() - days * DAY_MS));
    return Prisma.sql`SUM(CASE WHEN c."firstOrderAt" <= ${cutoff} THEN 1 ELSE 0 END) AS ${Prisma.raw(`e${days}`)},
      SUM(CASE WHEN c."firstOrderAt" <= ${cutoff} AND c."secondOrderAt" IS NOT NULL AND ${gap} <= ${days} THEN 1 ELSE 0 END) AS ${Prisma.raw(`c${days}`)}`;
  });
  const rows = await queryRows<Record<string, unknown>[]>(
    db,
    Prisma.sql`
    SELECT CASE WHEN c."ordersCount" >= ${FUNNEL_STAGES} THEN ${FUNNEL_STAGES} ELSE c."ordersCount" END AS k, COUNT(*) AS n,
      SUM(CASE WHEN c."secondOrderAt" IS NOT NULL THEN 1 ELSE 0 END) AS seconds, ${Prisma.join(windows, ", ")}
    FROM "Customer" c WHERE ${where} GROUP BY 1`,
  );
  const byOrders = new Array<number>(FUNNEL_STAGES).fill(0);
  const f2 = F2_WINDOWS.map((days) => ({ days, eligible: 0, converted: 0 }));
  let seconds = 0;
  for (const row of rows) {
    const stage = whole(row.k) - 1;
    byOrders[stage] = (byOrders[stage] ?? 0) + whole(row.n);
    seconds += whole(row.seconds);
    for (const w of f2) {
      w.eligible += whole(row[`e${w.days}`]);
      w.converted += whole(row[`c${w.days}`]);
    }
  }
  const medianDays = await medianOf(db, gap, Prisma.sql`${where} AND c."secondOrderAt" IS NOT NULL`, seconds);
  return assembleRepeat({ byOrders, f2, medianDaysToSecondOrder: medianDays });
}

export async function getRfmReport(db: Tx, shopId: string, range: ReportRange): Promise<RfmReport> {
  const d = dialectOf(db);
  const recency = wholeDaysSql(d, Prisma.sql`c."lastOrderAt"`, dateParam(d, range.asOf));
  // Ascending quintile from RANK() (ties share their first rank): see quintileFromRank in ./rfm.ts.
  const scored = Prisma.sql`
    WITH base AS (SELECT c."ordersCount" AS n, c."netSpend" AS net, ${recency} AS days FROM "Customer" c WHERE ${acquired(d, shopId, range)}),
    scored AS (
      SELECT n, net, days,
        (RANK() OVER (ORDER BY days) - 1) * 5 / COUNT(*) OVER () + 1 AS ra,
        (RANK() OVER (ORDER BY n) - 1) * 5 / COUNT(*) OVER () + 1 AS f,
        (RANK() OVER (ORDER BY net) - 1) * 5 / COUNT(*) OVER () + 1 AS m
      FROM base)`;
  const [cells, thresholds] = await Promise.all([
    queryRows<{ r: unknown; fm: unknown; customers: unknown; revenue: unknown; recency: unknown; orders: unknown }[]>(
      db,
      Prisma.sql`
      ${scored} SELECT 6 - ra AS r, (f + m + 1) / 2 AS fm, COUNT(*) AS customers, SUM(net) AS revenue, SUM(days) AS recency, SUM(n) AS orders
      FROM scored GROUP BY 1, 2`,
    ),
    queryRows<{ k: string; score: unknown; v: unknown }[]>(
      db,
      Prisma.sql`
      ${scored} SELECT 'r' AS k, ra AS score, MIN(days) AS v FROM scored GROUP BY ra
      UNION ALL SELECT 'f' AS k, f AS score, MIN(n) AS v FROM scored GROUP BY f
      UNION ALL SELECT 'm' AS k, m AS score, MIN(net) AS v FROM scored GROUP BY m`,
    ),
  ]);
  const starts = (k: string, scale: (v: unknown) => number) =>
    thresholds
      .filter((t) => t.k === k && whole(t.score) > 1)
      .sort((a, b) => whole(a.score) - whole(b.score))
      .map((t) => scale(t.v));
  return assembleRfm(
    cells.map((c): RfmCell => ({
      r: whole(c.r),
      fm: whole(c.fm),
      customers: whole(c.customers),
      revenue: milliSum(c.revenue),
      recencyDaysSum: whole(c.recency),
      ordersSum: whole(c.orders),
    })),
    {
      recencyDays: starts("r", whole),
      orders: starts("f", whole),
      monetary: starts("m", (v) => roundMoney(milliSum(v))),
    },
    range.asOf,
  );
}

const WEEK_MS = 7 * DAY_MS;
/** The check's period: the year after the range when there is one, else the range's last quarter year (see docs/reports.md). */
const CHECK_MAX_WEEKS = 52;
const SPLIT_WEEKS = 13;

/**
 * Where the CLV model reads each customer's purchases: "orders" joins every customer's counted
 * orders; "rollups" reads the customer rollups (purchaseDays, first/last order, net spend)
 * where they describe the customer at the instant exactly — every counted order before it
 * (so none in the check period after it either) and the purchase days counted in the report's
 * zone — and joins the orders of the others (an order at or after the instant, rollups counted
 * in another zone or not yet). Used when the range runs to today (nearly everyone is read from
 * the rollups) and for the split check's calibration 13 weeks back (everyone who has not ordered
 * since); a past range (`report --to`) keeps the plain join.
 */
export type ClvSource = "orders" | "rollups";

/**
 * One row per (purchase days, tx weeks, T weeks) of the customers acquired in the range whose
 * first order is before `end`, from their counted orders before `end` — nothing later — with T
 * measured at `end`; plus each group's purchase days in [end, laterEnd) for the model's check.
 * Purchase days are distinct shop-local calendar days, as in the BG/NBD literature: two orders
 * on one day (a forgotten item) are one purchase. `withSample`: also the Gamma-Gamma sample.
 */
export async function clvObservations(
  db: Tx,
  shopId: string,
  range: ReportRange,
  window: { end: Date; laterEnd: Date; source: ClvSource; withSample?: boolean },
): Promise<{ groups: ClvGroup[]; sample: ClvSampleCustomer[] }> {
  const { end, laterEnd, source, withSample = true } = window;
  const d = dialectOf(db);
  const t = Prisma.sql`o."shopifyCreatedAt"`;
  const before = Prisma.sql`${t} < ${dateParam(d, end)}`;
  const day = localDaySql(d, t, range.timezone, { from: range.from, to: laterEnd });
  const measured = Prisma.sql`${acquired(d, shopId, range)} AND c."firstOrderAt" < ${dateParam(d, end)}`;
  const current = Prisma.sql`COALESCE(c."purchaseDaysZone", '') = ${range.timezone} AND c."lastOrderAt" < ${dateParam(d, end)}`;
  const joined = Prisma.sql`
      SELECT c.id AS id,
        COUNT(DISTINCT CASE WHEN ${before} THEN ${day} END) AS days,
        MIN(CASE WHEN ${before} THEN ${t} END) AS first,
        MAX(CASE WHEN ${before} THEN ${t} END) AS last,
        SUM(CASE WHEN ${before} THEN o."totalPrice" - o."totalRefunded" ELSE 0 END) AS net,
        COUNT(DISTINCT CASE WHEN ${before} THEN NULL ELSE ${day} END) AS later
      FROM "Customer" c JOIN "Order" o ON o."shopId" = c."shopId" AND o."customerId" = c.id AND o.counted = ${trueSql(d)} AND ${t} < ${dateParam(d, laterEnd)}
      WHERE ${measured}${source === "rollups" ? Prisma.sql` AND NOT (${current})` : Prisma.empty}
      GROUP BY c.id`;
  const perCustomer =
    source === "orders"
      ? Prisma.sql`WITH per AS (${joined})`
      : Prisma.sql`
    WITH per AS (
      SELECT c.id AS id, c."purchaseDays" AS days, c."firstOrderAt" AS first, c."lastOrderAt" AS last, c."netSpend" AS net, 0 AS later
      FROM "Customer" c WHERE ${measured} AND ${current}
      UNION ALL ${joined})`;
  const txDays = daysBetweenSql(d, Prisma.sql`per.first`, Prisma.sql`per.last`);
  const tDays = daysBetweenSql(d, Prisma.sql`per.first`, dateParam(d, end));
  // Whole weeks: the grouping that keeps the prediction to a few thousand rows at most.
  const groupRows = await queryRows<
    { n: unknown; txw: unknown; tw: unknown; customers: unknown; net: unknown; later: unknown }[]
  >(
    db,
    Prisma.sql`
    ${perCustomer} SELECT per.days AS n, ROUND(${txDays} / 7.0) AS txw, ROUND(${tDays} / 7.0) AS tw, COUNT(*) AS customers, SUM(per.net) AS net, SUM(per.later) AS later
    FROM per WHERE per.days > 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  const groups: ClvGroup[] = groupRows.map((g) => ({
    orders: whole(g.n),
    txWeeks: Number(g.txw),
    tWeeks: Number(g.tw),
    customers: whole(g.customers),
    net: milliSum(g.net),
    later: whole(g.later),
  }));
  const customers = groups.reduce((s, g) => s + g.customers, 0);
  const step = Math.max(1, Math.ceil(customers / CLV_FIT_SAMPLE));
  const sampleRows =
    customers === 0 || !withSample
      ? []
      : await queryRows<{ n: unknown; net: unknown }[]>(
          db,
          Prisma.sql`
    ${perCustomer} SELECT s.n AS n, s.net AS net FROM (
      SELECT per.days AS n, per.net AS net, ROW_NUMBER() OVER (ORDER BY per.first, per.net, per.id) AS rn FROM per WHERE per.days > 0) s
    WHERE s.rn % ${step} = 0 ORDER BY s.rn`,
        );
  return { groups, sample: sampleRows.map((r) => ({ orders: whole(r.n), net: milliSum(r.net) })) };
}

export async function getClvReport(db: Tx, shopId: string, range: ReportRange): Promise<ClvReport> {
  // The measurement instant: the range's end (or now, for a range that runs to today).
  const end = new Date(Math.min(range.to.getTime(), range.asOf.getTime()));
  const laterEnd = new Date(Math.min(range.asOf.getTime(), end.getTime() + CHECK_MAX_WEEKS * WEEK_MS));
  const hasLater = laterEnd.getTime() - end.getTime() >= WEEK_MS;
  const toToday = end.getTime() === range.asOf.getTime();
  const { groups, sample } = await clvObservations(db, shopId, range, {
    end,
    laterEnd: hasLater ? laterEnd : end,
    source: toToday ? "rollups" : "orders",
  });
  const report = computeClv(groups, sample);
  const measured = { ...report, measuredAt: end.toISOString() };
  if (hasLater) {
    if (!report.parameters)
      return { ...measured, check: null, checkReason: `no fitted model to check (${report.reason})` };
    return {
      ...measured,
      check: holdoutCheck(groups, report.parameters.bgnbd, {
        kind: "later_period",
        calibrationEnd: end,
        checkEnd: laterEnd,
      }),
      checkReason: null,
    };
  }
  // The range runs to today: the split check, computed once per shop-local day (clv-check-cache.server.ts).
  return { ...measured, ...(await cachedSplitCheck(db, shopId, range, () => splitCheck(db, shopId, range, end))) };
}

/**
 * Computes today's split check for the reports page's default range (first order to today) if it
 * is not stored yet, so the merchant's first look of the day does not pay for the second fit
 * (the hourly background job calls it). Cheap when stored: one lookup.
 */
export async function warmClvCheck(db: Tx, shopId: string, now: Date): Promise<void> {
  const range = await resolveReportRange(db, shopId, { now });
  const end = new Date(Math.min(range.to.getTime(), range.asOf.getTime()));
  await cachedSplitCheck(db, shopId, range, () => splitCheck(db, shopId, range, end));
}

/** Holds back the range's last weeks, refits on what came before, and compares. */
async function splitCheck(
  db: Tx,
  shopId: string,
  range: ReportRange,
  end: Date,
): Promise<Pick<ClvReport, "check" | "checkReason">> {
  const calibrationEnd = new Date(end.getTime() - SPLIT_WEEKS * WEEK_MS);
  const split = await clvObservations(db, shopId, range, {
    end: calibrationEnd,
    laterEnd: end,
    source: "rollups",
    withSample: false,
  });
  const tooLittle = tooLittleHistory(split.groups);
  if (tooLittle)
    return {
      check: null,
      checkReason: `too little history before the last ${SPLIT_WEEKS} weeks to check the model (${tooLittle})`,
    };
  const bgnbd = fitBgNbdOnGroups(split.groups);
  if (!bgnbd)
    return {
      check: null,
      checkReason: `the BG/NBD fit before the last ${SPLIT_WEEKS} weeks did not reach usable parameters`,
    };
  return {
    check: holdoutCheck(split.groups, bgnbd, { kind: "split", calibrationEnd, checkEnd: end }),
    checkReason: null,
  };
}
