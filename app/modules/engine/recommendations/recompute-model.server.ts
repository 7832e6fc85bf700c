// The background recomputation of a shop's recommendation data: reads the mirror (orders and
// storefront views), runs the pure maths of similarity.ts and replaces the stored results in
// one transaction, so readers see either the old set or the new one, never a mix.
import type { Db } from "~/db.server";
import { chunked } from "~/lib/chunks";
import { log } from "~/lib/log.server";
import {
  DEFAULT_SIMILARITY,
  itemSimilarity,
  median,
  nextPurchases,
  reorderStats,
  type Basket,
  type FirstSecond,
  type Neighbour,
  type Purchase,
} from "./similarity";

const DAY = 86_400_000;
/** purchases older than this no longer say much about taste */
export const PURCHASE_WINDOW_DAYS = 365;
export const VIEW_WINDOW_DAYS = 90;
/** how much one person's viewed-together products count against bought-together ones */
export const VIEW_WEIGHT = 0.3;
/** reorder intervals and first→second patterns look further back */
export const HISTORY_WINDOW_DAYS = 730;
/** fewer second orders than this and the shop's median gap is not trusted (fallback days apply) */
export const MIN_SECOND_ORDER_SAMPLES = 20;
/** a model older than this is recomputed by the scheduler */
export const MODEL_MAX_AGE_MS = 24 * 3_600_000;

const PAGE = 2000;

export interface RecomputeSummary {
  shopId: string;
  computedAt: string;
  orders: number;
  viewers: number;
  similarProducts: number;
  similarPairs: number;
  nextProducts: number;
  reorderedProducts: number;
  medianSecondOrderDays: number | null;
  secondOrderSamples: number;
  durationMs: number;
}

export interface ShopHistory {
  baskets: Basket[];
  firstSecond: FirstSecond[];
  purchases: Purchase[];
  orders: number;
  viewers: number;
}

/** Pages through the shop's counted orders and recent product views up to `now`. */
export async function loadShopHistory(db: Db, shopId: string, now: Date): Promise<ShopHistory> {
  const purchaseSince = now.getTime() - PURCHASE_WINDOW_DAYS * DAY;
  const ordersByPerson = new Map<string, { at: number; products: string[] }[]>();
  let cursor: string | undefined;
  let orders = 0;
  for (;;) {
    const page = await db.order.findMany({
      where: {
        shopId,
        counted: true,
        test: false,
        shopifyCreatedAt: { gte: new Date(now.getTime() - HISTORY_WINDOW_DAYS * DAY), lte: now },
      },
      select: {
        id: true,
        customerId: true,
        emailNormalized: true,
        shopifyCreatedAt: true,
        lines: { select: { productGid: true } },
      },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    const last = page.at(-1);
    if (!last) break;
    cursor = last.id;
    for (const order of page) {
      orders++;
      // a guest order and an account with the same email are one person (docs/product.md)
      const person = order.emailNormalized
        ? `e:${order.emailNormalized}`
        : order.customerId
          ? `c:${order.customerId}`
          : `o:${order.id}`;
      const products = [...new Set(order.lines.flatMap((l) => (l.productGid ? [l.productGid] : [])))];
      if (products.length === 0) continue;
      const list = ordersByPerson.get(person) ?? [];
      list.push({ at: order.shopifyCreatedAt.getTime(), products });
      ordersByPerson.set(person, list);
    }
    if (page.length < PAGE) break;
  }

  const baskets: Basket[] = [];
  const firstSecond: FirstSecond[] = [];
  const purchases: Purchase[] = [];
  for (const [person, list] of ordersByPerson) {
    list.sort((a, b) => a.at - b.at);
    const recent = [...new Set(list.filter((o) => o.at >= purchaseSince).flatMap((o) => o.products))];
    if (recent.length > 1) baskets.push({ items: recent, weight: 1 });
    const [first, second] = list;
    if (first && second) firstSecond.push({ first: first.products, second: second.products });
    for (const o of list) for (const product of o.products) purchases.push({ person, product, at: new Date(o.at) });
  }

  const views = await db.behaviourEvent.findMany({
    where: {
      shopId,
      name: "product_viewed",
      productGid: { not: null },
      occurredAt: { gte: new Date(now.getTime() - VIEW_WINDOW_DAYS * DAY), lte: now },
    },
    select: { clientId: true, customerId: true, productGid: true },
  });
  const viewed = new Map<string, Set<string>>();
  for (const v of views) {
    const who = v.customerId ? `c:${v.customerId}` : `v:${v.clientId}`;
    viewed.set(who, (viewed.get(who) ?? new Set()).add(v.productGid!));
  }
  for (const items of viewed.values()) if (items.size > 1) baskets.push({ items: [...items], weight: VIEW_WEIGHT });
  return { baskets, firstSecond, purchases, orders, viewers: viewed.size };
}

/** Recomputes and stores the shop's neighbours, reorder statistics and second-order gap. */
export async function recomputeRecommendationModel(db: Db, shopId: string, now: Date): Promise<RecomputeSummary> {
  const started = Date.now();
  const history = await loadShopHistory(db, shopId, now);
  const similar = itemSimilarity(history.baskets, DEFAULT_SIMILARITY);
  const next = nextPurchases(history.firstSecond, DEFAULT_SIMILARITY);
  const reorders = reorderStats(history.purchases);

  const seconds = await db.customer.findMany({
    where: { shopId, firstOrderAt: { not: null }, secondOrderAt: { not: null, lte: now } },
    select: { firstOrderAt: true, secondOrderAt: true },
  });
  const gaps = seconds.map((c) => (c.secondOrderAt!.getTime() - c.firstOrderAt!.getTime()) / DAY).filter((d) => d >= 0);
  const medianSecondOrderDays = gaps.length >= MIN_SECOND_ORDER_SAMPLES ? median(gaps) : null;

  const neighbourRows = (kind: string, lists: Map<string, Neighbour[]>) =>
    [...lists].flatMap(([productGid, list]) =>
      list.map((n, i) => ({
        shopId,
        kind,
        productGid,
        neighbourGid: n.gid,
        score: n.score,
        rank: i + 1,
        computedAt: now,
      })),
    );
  const rows = [...neighbourRows("similar", similar), ...neighbourRows("next", next)];
  const reorderRows = [...reorders].map(([productGid, s]) => ({
    shopId,
    productGid,
    buyers: s.buyers,
    reorderCustomers: s.reorderCustomers,
    medianIntervalDays: s.medianIntervalDays,
    computedAt: now,
  }));
  const summary: RecomputeSummary = {
    shopId,
    computedAt: now.toISOString(),
    orders: history.orders,
    viewers: history.viewers,
    similarProducts: similar.size,
    similarPairs: [...similar.values()].reduce((n, l) => n + l.length, 0),
    nextProducts: next.size,
    reorderedProducts: [...reorders.values()].filter((s) => s.reorderCustomers > 0).length,
    medianSecondOrderDays,
    secondOrderSamples: gaps.length,
    durationMs: 0,
  };
  await db.$transaction(
    async (tx) => {
      await tx.productNeighbour.deleteMany({ where: { shopId } });
      for (const chunk of chunked(rows, 500)) await tx.productNeighbour.createMany({ data: chunk });
      await tx.productReorderStat.deleteMany({ where: { shopId } });
      for (const chunk of chunked(reorderRows, 500)) await tx.productReorderStat.createMany({ data: chunk });
      summary.durationMs = Date.now() - started;
      const model = {
        computedAt: now,
        medianSecondOrderDays,
        secondOrderSamples: gaps.length,
        summary: JSON.stringify(summary),
      };
      await tx.recommendationModel.upsert({ where: { shopId }, create: { shopId, ...model }, update: model });
    },
    { timeout: 10 * 60_000, maxWait: 30_000 },
  );
  log("info", "recommendation model recomputed", {
    shopId,
    pairs: summary.similarPairs,
    durationMs: summary.durationMs,
  });
  return summary;
}

/** Recomputes when the stored model is missing or older than a day; true when it ran. */
export async function refreshRecommendationModelIfStale(
  db: Db,
  shopId: string,
  now: Date,
  maxAgeMs = MODEL_MAX_AGE_MS,
): Promise<boolean> {
  const model = await db.recommendationModel.findUnique({ where: { shopId }, select: { computedAt: true } });
  if (model && now.getTime() - model.computedAt.getTime() < maxAgeMs && model.computedAt <= now) return false;
  await recomputeRecommendationModel(db, shopId, now);
  return true;
}
