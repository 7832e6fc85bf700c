// Offline evaluation (docs/product.md "Recommendations"): a synthetic store is written into a real
// database, the shipped pipeline (recomputeRecommendationModel + recommendProductGids) runs with
// the clock at a time split, and each list is scored against what the customer bought after the
// split. The baseline is the shop's bestsellers with the same "already bought" exclusion.
import type { Db } from "~/db.server";
import { chunked } from "~/lib/chunks";
import { loadBestsellers, recommendProductGids } from "./recommend.server";
import { recomputeRecommendationModel } from "./recompute-model.server";
import type { SyntheticStore } from "./synthetic-purchases";
import { itemAt } from "~/lib/arrays";

export interface EvaluationResult {
  split: string;
  trainOrders: number;
  testOrders: number;
  /** customers with a purchase before the split and one after it */
  evaluatedCustomers: number;
  k: number;
  hitRate: { recommendations: number; bestsellers: number };
  /** recommendations' hit rate over the baseline's */
  lift: number;
  beatsBaseline: boolean;
  recomputeMs: number;
  recommendMs: number;
}

/** Writes the synthetic store into the shop (customers, products, orders, views). */
export async function insertSyntheticStore(db: Db, shopId: string, store: SyntheticStore): Promise<string[]> {
  for (const chunk of chunked(store.products, 200)) {
    for (const p of chunk) {
      await db.product.create({
        data: {
          shopId,
          gid: p.gid,
          title: p.title,
          handle: p.gid.split("/").at(-1),
          status: "active",
          tags: p.consumable ? "consumable" : null,
          publishedAt: store.start,
          variants: {
            create: [
              {
                shopId,
                gid: p.gid.replace("Product", "ProductVariant"),
                title: "Default",
                price: p.price,
                available: 100,
                inventoryPolicy: "deny",
              },
            ],
          },
        },
      });
    }
  }
  const customerIds: string[] = [];
  for (const chunk of chunked(
    Array.from({ length: store.customers }, (_, i) => i),
    500,
  )) {
    await db.customer.createMany({
      data: chunk.map((i) => ({
        shopId,
        id: `syn-${shopId.slice(-6)}-${i}`,
        gid: `gid://shopify/Customer/${9_007_199_254_900_000n + BigInt(i)}`,
        email: `c${i}@synthetic.example`,
        emailNormalized: `c${i}@synthetic.example`,
        emailConsent: "SUBSCRIBED",
      })),
    });
    customerIds.push(...chunk.map((i) => `syn-${shopId.slice(-6)}-${i}`));
  }
  const priceOf = new Map(store.products.map((p) => [p.gid, p.price]));
  for (const chunk of chunked(
    store.orders.map((o, n) => ({ o, n })),
    500,
  )) {
    await db.order.createMany({
      data: chunk.map(({ o, n }) => ({
        shopId,
        id: `syn-o-${shopId.slice(-6)}-${n}`,
        gid: `gid://shopify/Order/${9_007_199_255_000_000n + BigInt(n)}`,
        customerId: customerIds[o.customer],
        email: `c${o.customer}@synthetic.example`,
        emailNormalized: `c${o.customer}@synthetic.example`,
        currency: "JPY",
        totalPrice: o.products.reduce((s, g) => s + (priceOf.get(g) ?? 0n), 0n),
        financialStatus: "paid",
        shopifyCreatedAt: o.at,
        paidAt: o.at,
      })),
    });
    await db.orderLine.createMany({
      data: chunk.flatMap(({ o, n }) =>
        o.products.map((gid, l) => ({
          shopId,
          orderId: `syn-o-${shopId.slice(-6)}-${n}`,
          gid: `gid://shopify/LineItem/${n}-${l}`,
          productGid: gid,
          title: gid,
          quantity: 1,
          price: priceOf.get(gid) ?? 0n,
        })),
      ),
    });
  }
  for (const chunk of chunked(
    store.views.map((v, n) => ({ v, n })),
    500,
  )) {
    await db.behaviourEvent.createMany({
      data: chunk.map(({ v, n }) => ({
        shopId,
        eventId: `syn-v-${n}`,
        name: "product_viewed",
        clientId: `client-${v.customer}`,
        customerId: customerIds[v.customer],
        productGid: v.product,
        occurredAt: v.at,
      })),
    });
  }
  return customerIds;
}

/** Hit-rate@k of the shipped recommendations and of the bestseller baseline at `split`. */
export async function evaluateRecommendations(
  db: Db,
  shopId: string,
  store: SyntheticStore,
  customerIds: string[],
  split: Date,
  k = 10,
): Promise<EvaluationResult> {
  const train = store.orders.filter((o) => o.at < split);
  const test = store.orders.filter((o) => o.at >= split);
  const boughtBy = (orders: typeof store.orders) => {
    const bought = new Map<number, Set<string>>();
    for (const o of orders) {
      const products = bought.get(o.customer) ?? new Set<string>();
      for (const gid of o.products) products.add(gid);
      bought.set(o.customer, products);
    }
    return bought;
  };
  const boughtBefore = boughtBy(train);
  const boughtAfter = boughtBy(test);
  const evaluated = [...boughtAfter.keys()].filter((c) => boughtBefore.has(c)).sort((a, b) => a - b);

  let started = Date.now();
  await recomputeRecommendationModel(db, shopId, split);
  const recomputeMs = Date.now() - started;
  started = Date.now();
  const lists = await recommendProductGids(
    db,
    shopId,
    evaluated.map((c) => itemAt(customerIds, c, "customer")),
    { limit: k, now: split },
  );
  const recommendMs = Date.now() - started;

  const consumable = new Set(store.products.filter((p) => p.consumable).map((p) => p.gid));
  const bestsellers = await loadBestsellers(db, shopId, split);
  let hits = 0;
  let baselineHits = 0;
  for (const c of evaluated) {
    const after = boughtAfter.get(c)!;
    const before = boughtBefore.get(c)!;
    if ((lists.get(itemAt(customerIds, c, "customer")) ?? []).some((g) => after.has(g))) hits++;
    const baseline = bestsellers.filter((g) => consumable.has(g) || !before.has(g)).slice(0, k);
    if (baseline.some((g) => after.has(g))) baselineHits++;
  }
  const rate = (n: number) => (evaluated.length === 0 ? 0 : Math.round((n / evaluated.length) * 10_000) / 10_000);
  const result = { recommendations: rate(hits), bestsellers: rate(baselineHits) };
  return {
    split: split.toISOString(),
    trainOrders: train.length,
    testOrders: test.length,
    evaluatedCustomers: evaluated.length,
    k,
    hitRate: result,
    lift: result.bestsellers === 0 ? 0 : Math.round((result.recommendations / result.bestsellers) * 100) / 100,
    beatsBaseline: result.recommendations > result.bestsellers,
    recomputeMs,
    recommendMs,
  };
}
