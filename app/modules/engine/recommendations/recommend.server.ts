// Per-customer recommendation lists (docs/product.md "Recommendations"): the neighbours of what each
// customer recently bought and viewed, minus what must not be shown, topped up with the shop's
// bestsellers. Answers a whole batch of customers with a fixed number of queries, so scenario
// `contents` can call it for 500 ledger rows at once.
import type { Db } from "~/db.server";
import { chunked, queryInChunks } from "~/lib/chunks";
import type { TemplateProduct } from "~/modules/delivery/mail/templates/types";
import { loadEmailProducts } from "~/modules/delivery/mail/catalog-products.server";
import { rankRecommendations, recencyWeight, type Neighbour, type Seed } from "./similarity";

const DAY = 86_400_000;
export const BESTSELLER_DAYS = 90;
const BESTSELLER_FALLBACK_SIZE = 200;
const PURCHASE_HALF_LIFE_DAYS = 120;
const VIEW_HALF_LIFE_DAYS = 7;
const VIEW_SEED_DAYS = 30;
const VIEW_SEED_WEIGHT = 0.5;
/** customers who bought a product again before it counts as a consumable (re-recommendable) */
export const CONSUMABLE_MIN_REORDERS = 3;

export type NeighbourKind = "similar" | "next";
/** a product emailed to the customer within this many days is not recommended again */
export const RECENTLY_EMAILED_DAYS = 14;

export interface RecommendationOptions {
  limit: number;
  /** https://<shop domain>: where product links point */
  storefrontUrl: string;
  /** the engine's clock (defaults to the wall clock) */
  now?: Date;
  /** per customer: products never to recommend in this email (e.g. the triggering products) */
  excludeProducts?: ReadonlyMap<string, readonly string[]>;
  /** per customer: extra products to recommend around (e.g. what they just viewed) */
  seedProducts?: ReadonlyMap<string, readonly string[]>;
  /** which neighbour lists to use, the first ranking highest (default: similar only) */
  neighbourKinds?: readonly NeighbourKind[];
}

/**
 * Each customer's recommended products, best first, at most `limit`; a customer with nothing
 * recommendable gets an empty list (scenarios decide whether that is enough to send).
 */
export async function loadRecommendations(
  db: Db,
  shopId: string,
  customerIds: string[],
  opts: RecommendationOptions,
): Promise<Map<string, TemplateProduct[]>> {
  const gidsByCustomer = await recommendProductGids(db, shopId, customerIds, opts);
  const products = await loadEmailProducts(db, shopId, [...gidsByCustomer.values()].flat(), opts.storefrontUrl);
  return new Map(
    [...gidsByCustomer].map(([id, gids]) => [id, products.forItems(gids.map((productGid) => ({ productGid })))]),
  );
}

/** The same lists as product GIDs (for scenarios that store what they showed, and the evaluation). */
export async function recommendProductGids(
  db: Db,
  shopId: string,
  customerIds: string[],
  opts: Omit<RecommendationOptions, "storefrontUrl">,
): Promise<Map<string, string[]>> {
  const now = opts.now ?? new Date();
  const ids = [...new Set(customerIds)];
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0 || opts.limit <= 0) return out;

  // the fallback only ever needs the head of the list, even after exclusions
  const bestsellers = (await loadBestsellers(db, shopId, now)).slice(0, BESTSELLER_FALLBACK_SIZE);
  const history = await loadCustomerHistory(db, shopId, ids, now);
  const seeds = new Map<string, Seed[]>(
    ids.map((id) => [id, seedsOf(history.purchases(id), history.views(id), opts.seedProducts?.get(id) ?? [], now)]),
  );
  const neighbours = await loadNeighbours(
    db,
    shopId,
    [...seeds.values()].flatMap((list) => list.map((s) => s.gid)),
    opts.neighbourKinds ?? ["similar"],
  );
  const candidates = new Set([...bestsellers, ...history.allProducts(), ...neighbours.allProducts()]);
  const eligible = await loadEligibleProducts(db, shopId, candidates);
  const emailed = await loadRecentlyEmailedProducts(db, shopId, ids, now);

  for (const id of ids) {
    const excluded = new Set<string>([...(opts.excludeProducts?.get(id) ?? []), ...(emailed.get(id) ?? [])]);
    for (const p of history.purchases(id)) if (!eligible.consumable.has(p.gid)) excluded.add(p.gid);
    out.set(
      id,
      rankRecommendations({
        seeds: seeds.get(id)!,
        neighbours: neighbours.of,
        bestsellers,
        allowed: (gid) => eligible.showable.has(gid) && !excluded.has(gid),
        limit: opts.limit,
      }),
    );
  }
  return out;
}

/** Purchases weigh most and fade over months, views fade over weeks; given products weigh like a fresh purchase. */
function seedsOf(purchases: Interaction[], views: Interaction[], given: readonly string[], now: Date): Seed[] {
  const weights = new Map<string, number>();
  const add = (gid: string, w: number) => weights.set(gid, (weights.get(gid) ?? 0) + w);
  for (const p of purchases) add(p.gid, recencyWeight((now.getTime() - p.at.getTime()) / DAY, PURCHASE_HALF_LIFE_DAYS));
  for (const v of views)
    add(v.gid, VIEW_SEED_WEIGHT * recencyWeight((now.getTime() - v.at.getTime()) / DAY, VIEW_HALF_LIFE_DAYS));
  for (const gid of given) add(gid, 1);
  return [...weights].map(([gid, weight]) => ({ gid, weight }));
}

interface NeighbourLists {
  of(gid: string): Neighbour[];
  allProducts(): string[];
}

async function loadNeighbours(
  db: Db,
  shopId: string,
  gids: string[],
  kinds: readonly NeighbourKind[],
): Promise<NeighbourLists> {
  const rows = await queryInChunks(gids, (chunk) =>
    db.productNeighbour.findMany({
      where: { shopId, kind: { in: [...kinds] }, productGid: { in: chunk } },
      select: { kind: true, productGid: true, neighbourGid: true, score: true },
    }),
  );
  // earlier kinds in the list rank first: their scores are lifted above every later kind's
  const lift = new Map(kinds.map((k, i) => [k, kinds.length - 1 - i]));
  const lists = new Map<string, Neighbour[]>();
  for (const r of rows) {
    const list = lists.get(r.productGid) ?? [];
    list.push({ gid: r.neighbourGid, score: r.score + (lift.get(r.kind as NeighbourKind) ?? 0) });
    lists.set(r.productGid, list);
  }
  return { of: (gid) => lists.get(gid) ?? [], allProducts: () => [...new Set(rows.map((r) => r.neighbourGid))] };
}

/** Products by the number of counted orders containing them over the last 90 days, best first. */
export async function loadBestsellers(db: Db, shopId: string, now: Date, days = BESTSELLER_DAYS): Promise<string[]> {
  const rows = await db.orderLine.groupBy({
    by: ["productGid"],
    where: {
      shopId,
      productGid: { not: null },
      order: { counted: true, test: false, shopifyCreatedAt: { gte: new Date(now.getTime() - days * DAY), lte: now } },
    },
    _count: { _all: true },
  });
  return rows
    .filter((r): r is typeof r & { productGid: string } => r.productGid !== null)
    .sort((a, b) => b._count._all - a._count._all || a.productGid.localeCompare(b.productGid))
    .map((r) => r.productGid);
}

interface Interaction {
  gid: string;
  at: Date;
}

interface CustomerHistory {
  purchases(customerId: string): Interaction[];
  views(customerId: string): Interaction[];
  allProducts(): string[];
}

/** What each customer bought (by account, or by email for guest orders) and recently viewed, up to now. */
async function loadCustomerHistory(db: Db, shopId: string, ids: string[], now: Date): Promise<CustomerHistory> {
  const customers = await queryInChunks(ids, (chunk) =>
    db.customer.findMany({ where: { shopId, id: { in: chunk } }, select: { id: true, emailNormalized: true } }),
  );
  const idsByEmail = new Map<string, string[]>();
  for (const c of customers) {
    if (!c.emailNormalized) continue;
    const ids = idsByEmail.get(c.emailNormalized);
    if (ids) ids.push(c.id);
    else idsByEmail.set(c.emailNormalized, [c.id]);
  }
  const select = {
    productGid: true,
    order: { select: { id: true, customerId: true, emailNormalized: true, shopifyCreatedAt: true } },
  } as const;
  const lines = [
    ...(await queryInChunks(ids, (chunk) =>
      db.orderLine.findMany({
        where: {
          shopId,
          productGid: { not: null },
          order: { customerId: { in: chunk }, cancelledAt: null, shopifyCreatedAt: { lte: now } },
        },
        select,
      }),
    )),
    ...(await queryInChunks([...idsByEmail.keys()], (chunk) =>
      db.orderLine.findMany({
        where: {
          shopId,
          productGid: { not: null },
          order: { emailNormalized: { in: chunk }, cancelledAt: null, shopifyCreatedAt: { lte: now } },
        },
        select,
      }),
    )),
  ];
  const wanted = new Set(ids);
  const purchases = new Map<string, Map<string, Interaction>>();
  const note = (customerId: string, gid: string, at: Date) => {
    const mine = purchases.get(customerId) ?? new Map<string, Interaction>();
    const seen = mine.get(gid);
    if (!seen || seen.at < at) mine.set(gid, { gid, at });
    purchases.set(customerId, mine);
  };
  for (const line of lines) {
    if (!line.productGid) continue;
    const owners = new Set([
      ...(line.order.customerId ? [line.order.customerId] : []),
      ...(line.order.emailNormalized ? (idsByEmail.get(line.order.emailNormalized) ?? []) : []),
    ]);
    for (const id of owners) if (wanted.has(id)) note(id, line.productGid, line.order.shopifyCreatedAt);
  }
  const viewRows = await queryInChunks(ids, (chunk) =>
    db.behaviourEvent.findMany({
      where: {
        shopId,
        customerId: { in: chunk },
        name: "product_viewed",
        productGid: { not: null },
        occurredAt: { gte: new Date(now.getTime() - VIEW_SEED_DAYS * DAY), lte: now },
      },
      select: { customerId: true, productGid: true, occurredAt: true },
    }),
  );
  const views = new Map<string, Interaction[]>();
  for (const v of viewRows) {
    const seen = views.get(v.customerId!);
    if (seen) seen.push({ gid: v.productGid!, at: v.occurredAt });
    else views.set(v.customerId!, [{ gid: v.productGid!, at: v.occurredAt }]);
  }
  return {
    purchases: (id) => [...(purchases.get(id)?.values() ?? [])],
    views: (id) => views.get(id) ?? [],
    allProducts: () => [...new Set([...purchases.values()].flatMap((m) => [...m.keys()]))],
  };
}

const CONSUMABLE_TAGS = new Set(["consumable", "消耗品", "replenishable"]);

function isConsumableTagged(tags: string | null): boolean {
  return (tags ?? "").split(",").some((t) => CONSUMABLE_TAGS.has(t.trim().toLowerCase()));
}

interface EligibleProducts {
  /** active, published, not deleted, and not every variant sold out */
  showable: Set<string>;
  /** bought again is fine: tagged as a consumable, or re-bought by enough customers */
  consumable: Set<string>;
}

async function loadEligibleProducts(db: Db, shopId: string, gids: Set<string>): Promise<EligibleProducts> {
  const products = await queryInChunks([...gids], (chunk) =>
    db.product.findMany({
      where: { shopId, gid: { in: chunk } },
      select: {
        gid: true,
        status: true,
        publishedAt: true,
        deletedAt: true,
        tags: true,
        variants: { select: { available: true, inventoryPolicy: true } },
      },
    }),
  );
  const reordered = await queryInChunks([...gids], (chunk) =>
    db.productReorderStat.findMany({
      where: { shopId, productGid: { in: chunk }, reorderCustomers: { gte: CONSUMABLE_MIN_REORDERS } },
      select: { productGid: true },
    }),
  );
  const showable = new Set<string>();
  const consumable = new Set<string>(reordered.map((r) => r.productGid));
  for (const p of products) {
    if (isConsumableTagged(p.tags)) consumable.add(p.gid);
    const published = !p.deletedAt && p.publishedAt !== null && (p.status === null || p.status === "active");
    // unknown availability counts as in stock, as everywhere else in the engine
    const inStock =
      p.variants.length === 0 ||
      p.variants.some((v) => v.available === null || v.available > 0 || v.inventoryPolicy === "continue");
    if (published && inStock) showable.add(p.gid);
  }
  return { showable, consumable };
}

/**
 * Products Joren emailed each customer recently: those its sent messages recorded as shown
 * (RecommendationShown) and the `products` of the messages' trigger data (e.g. browse abandonment).
 */
async function loadRecentlyEmailedProducts(
  db: Db,
  shopId: string,
  ids: string[],
  now: Date,
): Promise<Map<string, string[]>> {
  const messages = await queryInChunks(ids, (chunk) =>
    db.message.findMany({
      where: {
        shopId,
        customerId: { in: chunk },
        status: "sent",
        sentAt: { gte: new Date(now.getTime() - RECENTLY_EMAILED_DAYS * DAY), lte: now },
      },
      select: { id: true, customerId: true, data: true },
    }),
  );
  const shown = await queryInChunks(
    messages.map((m) => m.id),
    (chunk) =>
      db.recommendationShown.findMany({
        where: { shopId, messageId: { in: chunk } },
        select: { customerId: true, productGid: true },
      }),
  );
  const out = new Map<string, string[]>();
  const add = (customerId: string, gids: string[]) => {
    if (gids.length > 0) out.set(customerId, [...(out.get(customerId) ?? []), ...gids]);
  };
  for (const m of messages) add(m.customerId, productsOfData(m.data));
  for (const s of shown) add(s.customerId, [s.productGid]);
  return out;
}

/**
 * Remembers what each email recommends, so the next emails do not repeat it (only messages that
 * were actually sent count). Replaces the rows' earlier records: a retried row records once.
 */
export async function recordShownRecommendations(
  db: Db,
  shopId: string,
  shown: { messageId: string; customerId: string; productGids: readonly string[] }[],
  now: Date,
): Promise<void> {
  if (shown.length === 0) return;
  const messageIds = shown.map((s) => s.messageId);
  const rows = shown.flatMap((s) =>
    [...new Set(s.productGids)].map((productGid) => ({
      shopId,
      messageId: s.messageId,
      customerId: s.customerId,
      productGid,
      shownAt: now,
    })),
  );
  await db.$transaction(async (tx) => {
    for (const chunk of chunked(messageIds))
      await tx.recommendationShown.deleteMany({ where: { shopId, messageId: { in: chunk } } });
    for (const chunk of chunked(rows, 200)) await tx.recommendationShown.createMany({ data: chunk });
  });
}

function productsOfData(data: string): string[] {
  try {
    const parsed = JSON.parse(data) as { products?: unknown; recommended?: unknown };
    return [parsed.products, parsed.recommended].flatMap((list) =>
      Array.isArray(list) ? list.filter((g): g is string => typeof g === "string") : [],
    );
  } catch {
    return [];
  }
}
