// The Customers page's list: search by email or name, filters (phase, RFM segment, consent), a
// sort (last order, spend, orders) and numbered pages with the total. Everything is one Prisma
// `where` scoped to the shop, so the page and its count read the same indexed rows; redacted and
// deleted people are left out (nothing of them remains to show).
import { Prisma, type Tx } from "~/db.server";
import { dateParam, dialectOf, queryRows } from "~/lib/raw-sql.server";
import { fmScore, rfmSegment } from "~/modules/reports/rfm";
import { wholeDaysSql } from "~/modules/reports/sql.server";
import type { RfmSegmentKey } from "~/modules/reports/types";
import { CUSTOMER_PAGE_SIZE, type CustomerListQuery } from "./customer-list-query";

const DAY_MS = 86_400_000;

export interface CustomerListItem {
  id: string;
  email: string | null;
  name: string | null;
  phase: string;
  ordersCount: number;
  /** net spend, milli-units of the shop currency, as a decimal string (JSON has no bigint) */
  netSpend: string;
  lastOrderAt: string | null;
  emailConsent: string;
}

export interface CustomerListPage {
  items: CustomerListItem[];
  /** customers matching the search and filters, on every page */
  total: number;
  page: number;
  pageCount: number;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Where each score of one RFM dimension starts: score k holds the values from `starts[k]` up to
 * the next present score's start. A score can be absent when ties fill its quintile.
 */
type ScoreStarts = { score: number; from: number }[];

export interface RfmScoring {
  asOf: Date;
  /** ascending days since the last order (the R score is 6 − this one) */
  recency: ScoreStarts;
  orders: ScoreStarts;
  /** net spend in milli-units */
  spend: ScoreStarts;
}

/**
 * The quintile boundaries of the shop's ordering customers, as the Reports page's RFM scores
 * them (RANK() quintiles of recency, orders and spend): one window query over the customers, so
 * a segment filter becomes ranges on indexed rollup columns instead of a score per row.
 */
export async function rfmScoring(db: Tx, shopId: string, asOf: Date): Promise<RfmScoring> {
  const d = dialectOf(db);
  const days = wholeDaysSql(d, Prisma.sql`c."lastOrderAt"`, dateParam(d, asOf));
  const rows = await queryRows<{ k: string; score: unknown; v: unknown }[]>(
    db,
    Prisma.sql`
    WITH base AS (SELECT c."ordersCount" AS n, c."netSpend" AS net, ${days} AS days FROM "Customer" c
      WHERE c."shopId" = ${shopId} AND c."ordersCount" > 0 AND c."redactedAt" IS NULL AND c."deletedAt" IS NULL),
    scored AS (
      SELECT n, net, days,
        (RANK() OVER (ORDER BY days) - 1) * 5 / COUNT(*) OVER () + 1 AS ra,
        (RANK() OVER (ORDER BY n) - 1) * 5 / COUNT(*) OVER () + 1 AS f,
        (RANK() OVER (ORDER BY net) - 1) * 5 / COUNT(*) OVER () + 1 AS m
      FROM base)
    SELECT 'r' AS k, ra AS score, MIN(days) AS v FROM scored GROUP BY ra
    UNION ALL SELECT 'f' AS k, f AS score, MIN(n) AS v FROM scored GROUP BY f
    UNION ALL SELECT 'm' AS k, m AS score, MIN(net) AS v FROM scored GROUP BY m`,
  );
  const starts = (k: string): ScoreStarts =>
    rows
      .filter((row) => row.k === k)
      .map((row) => ({ score: Number(row.score), from: Number(String(row.v)) }))
      .sort((a, b) => a.score - b.score);
  return { asOf, recency: starts("r"), orders: starts("f"), spend: starts("m") };
}

/** [from, to) per present score; the lowest score reaches down to everything. */
function intervals(starts: ScoreStarts): { score: number; from: number | null; to: number | null }[] {
  return starts.map((s, i) => ({ score: s.score, from: i === 0 ? null : s.from, to: starts[i + 1]?.from ?? null }));
}

function numberRange(from: number | null, to: number | null): { gte?: number; lt?: number } {
  return { ...(from !== null ? { gte: from } : {}), ...(to !== null ? { lt: to } : {}) };
}

function bigintRange(from: number | null, to: number | null): { gte?: bigint; lt?: bigint } {
  return { ...(from !== null ? { gte: BigInt(from) } : {}), ...(to !== null ? { lt: BigInt(to) } : {}) };
}

/**
 * The customers of one segment as ranges: each (R, F, M) score box whose segment matches is a
 * range of last order, orders and spend. Days since the last order ≥ D exactly when the last
 * order is at or before asOf − D days.
 */
export function rfmSegmentWhere(scoring: RfmScoring, segment: RfmSegmentKey): Prisma.CustomerWhereInput {
  const byRecency: Prisma.CustomerWhereInput[] = [];
  const at = (days: number) => new Date(scoring.asOf.getTime() - days * DAY_MS);
  for (const r of intervals(scoring.recency)) {
    const boxes: Prisma.CustomerWhereInput[] = [];
    for (const f of intervals(scoring.orders)) {
      for (const m of intervals(scoring.spend)) {
        if (rfmSegment(6 - r.score, fmScore(f.score, m.score)) !== segment) continue;
        boxes.push({ ordersCount: numberRange(f.from, f.to), netSpend: bigintRange(m.from, m.to) });
      }
    }
    if (boxes.length === 0) continue;
    const lastOrderAt = { ...(r.from !== null ? { lte: at(r.from) } : {}), ...(r.to !== null ? { gt: at(r.to) } : {}) };
    byRecency.push({ lastOrderAt: { not: null, ...lastOrderAt }, OR: boxes });
  }
  // no customer can be in the segment: a condition nothing meets
  return { ordersCount: { gt: 0 }, OR: byRecency.length ? byRecency : [{ id: { in: [] } }] };
}

const LIST_SELECT = {
  id: true,
  email: true,
  firstName: true,
  lastName: true,
  phase: true,
  ordersCount: true,
  netSpend: true,
  lastOrderAt: true,
  emailConsent: true,
} as const;

type ListRow = Prisma.CustomerGetPayload<{ select: typeof LIST_SELECT }>;

/**
 * One page sorted by spend or orders: the index (shopId, column, id) in either direction. The id
 * comes last, so equal values keep one order from page to page.
 */
function sortedPage(
  db: Tx,
  where: Prisma.CustomerWhereInput,
  query: CustomerListQuery,
  skip: number,
): Promise<ListRow[]> {
  const column = query.sort === "spend" ? "netSpend" : "ordersCount";
  return db.customer.findMany({
    where,
    orderBy: [{ [column]: query.dir }, { id: query.dir }],
    skip,
    take: CUSTOMER_PAGE_SIZE,
    select: LIST_SELECT,
  });
}

/**
 * One page sorted by last order, never-ordered customers last in both directions. Asked as one
 * ORDER BY … NULLS LAST, PostgreSQL cannot walk a default-order btree descending (that gives
 * nulls first) and sorts the whole shop instead; so the customers with an order are paged on
 * (shopId, lastOrderAt, id) and the page is topped up from those without one, by id on the same
 * index. One extra count tells where the first part ends.
 */
export async function lastOrderPage(
  db: Tx,
  where: Prisma.CustomerWhereInput,
  dir: "asc" | "desc",
  skip: number,
): Promise<ListRow[]> {
  const ordered: Prisma.CustomerWhereInput = { ...where, lastOrderAt: { not: null } };
  const withOrders = await db.customer.count({ where: ordered });
  const first =
    skip < withOrders
      ? await db.customer.findMany({
          where: ordered,
          orderBy: [{ lastOrderAt: dir }, { id: dir }],
          skip,
          take: CUSTOMER_PAGE_SIZE,
          select: LIST_SELECT,
        })
      : [];
  const rest = CUSTOMER_PAGE_SIZE - first.length;
  if (rest === 0) return first;
  const never = await db.customer.findMany({
    where: { ...where, lastOrderAt: null },
    orderBy: { id: dir },
    skip: Math.max(0, skip - withOrders),
    take: rest,
    select: LIST_SELECT,
  });
  return [...first, ...never];
}

export async function listCustomers(
  db: Tx,
  shopId: string,
  query: CustomerListQuery,
  now: Date = new Date(),
): Promise<CustomerListPage> {
  const text = query.q.trim();
  // SQLite's LIKE ignores ASCII case, PostgreSQL's does not: emails are matched on their
  // normalised (lower-case) form, names as typed and capitalised.
  const variants = [...new Set([text, text.toLowerCase(), capitalized(text)])];
  const filters: Prisma.CustomerWhereInput[] = [];
  if (text) {
    filters.push({
      OR: [
        { emailNormalized: { contains: text.toLowerCase() } },
        ...variants.flatMap((v) => [{ firstName: { contains: v } }, { lastName: { contains: v } }]),
      ],
    });
  }
  if (query.segment) filters.push(rfmSegmentWhere(await rfmScoring(db, shopId, now), query.segment));
  const where: Prisma.CustomerWhereInput = {
    shopId,
    redactedAt: null,
    deletedAt: null,
    ...(query.phase ? { phase: query.phase } : {}),
    ...(query.consent ? { emailConsent: query.consent } : {}),
    ...(filters.length ? { AND: filters } : {}),
  };
  const total = await db.customer.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / CUSTOMER_PAGE_SIZE));
  const page = Math.min(query.page, pageCount);
  const skip = (page - 1) * CUSTOMER_PAGE_SIZE;
  const rows =
    query.sort === "last_order"
      ? await lastOrderPage(db, where, query.dir, skip)
      : await sortedPage(db, where, query, skip);
  return {
    total,
    page,
    pageCount,
    items: rows.map((row) => ({
      id: row.id,
      email: row.email,
      name: [row.firstName, row.lastName].filter(Boolean).join(" ") || null,
      phase: row.phase,
      ordersCount: row.ordersCount,
      netSpend: row.netSpend.toString(),
      lastOrderAt: row.lastOrderAt?.toISOString() ?? null,
      emailConsent: row.emailConsent,
    })),
  };
}
