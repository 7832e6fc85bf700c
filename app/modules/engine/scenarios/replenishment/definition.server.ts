// 定期リマインド: a product that customers actually re-buy (at least MIN_REORDER_CUSTOMERS of
// them, from the recommendation model's reorder statistics) has a median reorder interval; a
// customer who bought it is reminded `daysBefore` days before their expected reorder date.
// Exits when they reorder it (or it is sold out).
import { queryInChunks } from "~/lib/chunks";
import { loadEmailProducts, loadVariantStock } from "../../../delivery/mail/catalog-products.server";
import { loadProductPurchases } from "../product-purchases.server";
import { defineScenario, type CandidateOf, type MessageContentOf } from "../scenario-definition";

type Candidate = CandidateOf<"replenishment">;
type MessageContent = MessageContentOf<"replenishment">;

const DAY = 86_400_000;
/** customers who re-bought a product before it gets reminders */
export const MIN_REORDER_CUSTOMERS = 3;
/** a reminder more than a week late is dropped (the next purchase restarts the clock) */
const LATE_DAYS = 7;

export const definition = defineScenario({
  key: "replenishment",

  async plan({ db, shopId, now, settings }) {
    const stats = await db.productReorderStat.findMany({
      where: { shopId, reorderCustomers: { gte: MIN_REORDER_CUSTOMERS }, medianIntervalDays: { not: null } },
      select: { productGid: true, medianIntervalDays: true },
    });
    if (stats.length === 0) return [];
    const interval = new Map(stats.map((s) => [s.productGid, s.medianIntervalDays!]));
    // purchases whose reminder falls due in [now - LATE_DAYS, now]
    const lines = await queryInChunks([...interval.keys()], (chunk) =>
      db.orderLine.findMany({
        where: {
          shopId,
          productGid: { in: chunk },
          order: {
            customerId: { not: null },
            cancelledAt: null,
            test: false,
            shopifyCreatedAt: {
              gte: new Date(now.getTime() - (Math.max(...interval.values()) + LATE_DAYS) * DAY),
              lte: now,
            },
          },
        },
        select: { productGid: true, variantGid: true, order: { select: { customerId: true, shopifyCreatedAt: true } } },
      }),
    );
    // only each customer's latest purchase of a product counts
    const latest = new Map<string, (typeof lines)[number]>();
    for (const line of lines) {
      const key = `${line.order.customerId}|${line.productGid}`;
      const seen = latest.get(key);
      if (!seen || seen.order.shopifyCreatedAt < line.order.shopifyCreatedAt) latest.set(key, line);
    }
    const candidates: Candidate[] = [];
    for (const line of latest.values()) {
      const days = interval.get(line.productGid!)!;
      const expected = line.order.shopifyCreatedAt.getTime() + days * DAY;
      const dueAt = new Date(expected - settings.daysBefore * DAY);
      if (dueAt > now || dueAt.getTime() < now.getTime() - LATE_DAYS * DAY) continue;
      candidates.push({
        customerId: line.order.customerId!,
        triggerKey: `replenish:${line.productGid}:${line.order.shopifyCreatedAt.toISOString()}`,
        dueAt,
        latestUsefulAt: new Date(dueAt.getTime() + LATE_DAYS * DAY),
        data: {
          since: new Date(line.order.shopifyCreatedAt.getTime() + 1).toISOString(),
          productGid: line.productGid!,
          variantGid: line.variantGid,
          intervalDays: Math.round(days),
          expectedAt: new Date(expected).toISOString(),
        },
      });
    }
    return candidates;
  },

  async exits({ db, shopId, now }, rows) {
    const exits = new Map<string, string>();
    const earliest = new Date(Math.min(now.getTime(), ...rows.map((r) => Date.parse(String(r.data.since)))));
    const bought = await loadProductPurchases(
      db,
      shopId,
      rows.map((r) => r.customerId),
      rows.map((r) => String(r.data.productGid)),
      earliest,
    );
    const stock = await loadVariantStock(
      db,
      shopId,
      rows.map((r) => r.data.variantGid),
    );
    for (const row of rows) {
      if (bought.boughtSince(row.customerId, String(row.data.productGid), new Date(String(row.data.since))))
        exits.set(row.id, "reordered");
      else if (stock.allSoldOut([row.data.variantGid])) exits.set(row.id, "the product is sold out");
    }
    return exits;
  },

  async contents({ db, shopId, storefrontUrl }, rows) {
    const products = await loadEmailProducts(
      db,
      shopId,
      rows.map((r) => String(r.data.productGid)),
      storefrontUrl,
    );
    const out = new Map<string, MessageContent>();
    for (const row of rows) {
      const { productGid, variantGid, intervalDays, expectedAt } = row.data;
      const items = products.forItems([{ productGid, variantGid }]);
      if (items.length > 0)
        out.set(row.id, { products: items, recoveryUrl: null, incentive: null, extra: { intervalDays, expectedAt } });
    }
    return out;
  },
});
