// 再入荷: a variant's available quantity rose from ≤ 0 to ≥ the threshold (a "restock" trigger,
// app/modules/mirror/catalog/record-restock.server.ts). Recipients: the variant's notify-me subscribers
// first (oldest first), then customers who viewed the product within the lookback and did not buy
// it; never more than `recipientMultiple` × the units available. At send time the stock is read
// again: a variant sold out again stops every row, and the cap is recomputed from the units left.
// The trigger key carries the restock, so a subscriber hears once per restock.
import { queryInChunks } from "~/lib/chunks";
import { loadEmailProducts } from "../../../delivery/mail/catalog-products.server";
import { loadProductPurchases } from "../product-purchases.server";
import { defineScenario, type CandidateOf } from "../scenario-definition";

type Candidate = CandidateOf<"back_in_stock">;

const DAY = 86_400_000;
/** a restock older than this is no longer news */
const RESTOCK_USEFUL_DAYS = 3;

interface Restock {
  id: string;
  variantGid: string;
  available: number;
  at: Date;
}

function parseRestock(t: { id: string; data: string; occurredAt: Date }): Restock | null {
  try {
    const data = JSON.parse(t.data) as { variantGid?: unknown; available?: unknown };
    if (typeof data.variantGid !== "string") return null;
    return {
      id: t.id,
      variantGid: data.variantGid,
      available: typeof data.available === "number" ? data.available : 0,
      at: t.occurredAt,
    };
  } catch {
    return null;
  }
}

export const definition = defineScenario({
  key: "back_in_stock",

  async plan({ db, shopId, now, settings }) {
    const triggers = await db.trigger.findMany({
      where: {
        shopId,
        kind: "restock",
        occurredAt: { gte: new Date(now.getTime() - RESTOCK_USEFUL_DAYS * DAY), lte: now },
      },
      select: { id: true, data: true, occurredAt: true },
    });
    const restocks = triggers
      .map(parseRestock)
      .filter((r): r is Restock => r !== null && r.available >= settings.threshold);
    if (restocks.length === 0) return [];
    const variants = await queryInChunks([...new Set(restocks.map((r) => r.variantGid))], (chunk) =>
      db.variant.findMany({
        where: { shopId, gid: { in: chunk } },
        select: { gid: true, product: { select: { gid: true } } },
      }),
    );
    const productOf = new Map(variants.map((v) => [v.gid, v.product.gid]));
    // Every restock of the window in a fixed number of queries (a bulk inventory update can
    // restock hundreds of variants at once), then the lines are drawn up in memory.
    const lookbackStart = new Date(
      Math.min(...restocks.map((r) => r.at.getTime())) - settings.viewerLookbackDays * DAY,
    );
    const planned = await queryInChunks(
      restocks.map((r) => `restock:${r.id}`),
      (chunk) =>
        db.message.findMany({
          where: { shopId, scenario: "back_in_stock", triggerKey: { in: chunk } },
          select: { customerId: true, triggerKey: true },
        }),
    );
    const subscriptions = await queryInChunks([...new Set(restocks.map((r) => r.variantGid))], (chunk) =>
      db.backInStockSubscription.findMany({
        where: { shopId, variantGid: { in: chunk } },
        select: { customerId: true, variantGid: true, createdAt: true },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    );
    const productGids = [...new Set(restocks.flatMap((r) => productOf.get(r.variantGid) ?? []))];
    const views = await queryInChunks(productGids, (chunk) =>
      db.behaviourEvent.findMany({
        where: {
          shopId,
          name: "product_viewed",
          productGid: { in: chunk },
          customerId: { not: null },
          occurredAt: { gte: lookbackStart, lte: now },
        },
        select: { customerId: true, productGid: true, occurredAt: true },
        orderBy: { occurredAt: "desc" },
      }),
    );
    const bought = await loadProductPurchases(
      db,
      shopId,
      views.map((v) => v.customerId!),
      productGids,
      lookbackStart,
    );

    const candidates: Candidate[] = [];
    for (const restock of restocks) {
      const productGid = productOf.get(restock.variantGid);
      if (!productGid) continue;
      const triggerKey = `restock:${restock.id}`;
      const taken = new Set(planned.filter((m) => m.triggerKey === triggerKey).map((m) => m.customerId));
      let room = settings.recipientMultiple * restock.available - taken.size;
      if (room <= 0) continue;
      const viewFrom = restock.at.getTime() - settings.viewerLookbackDays * DAY;
      const subscribers = subscriptions.filter((s) => s.variantGid === restock.variantGid && s.createdAt <= restock.at);
      const viewers = views.filter(
        (v) => v.productGid === productGid && v.occurredAt.getTime() >= viewFrom && v.occurredAt <= restock.at,
      );
      const add = (customerId: string, source: "subscriber" | "viewer", rank: number) => {
        if (room <= 0 || taken.has(customerId)) return;
        taken.add(customerId);
        room--;
        candidates.push({
          customerId,
          triggerKey,
          dueAt: restock.at,
          latestUsefulAt: new Date(restock.at.getTime() + RESTOCK_USEFUL_DAYS * DAY),
          data: {
            since: restock.at.toISOString(),
            restockId: restock.id,
            variantGid: restock.variantGid,
            productGid,
            source,
            rank,
          },
        });
      };
      subscribers.forEach((s, i) => add(s.customerId, "subscriber", i));
      viewers.forEach((v, i) => {
        if (!bought.boughtSince(v.customerId!, productGid, new Date(viewFrom)))
          add(v.customerId!, "viewer", subscribers.length + i);
      });
    }
    return candidates;
  },

  async exits({ db, shopId, settings }, rows) {
    const exits = new Map<string, string>();
    const variantGids = [...new Set(rows.map((r) => String(r.data.variantGid)))];
    const variants = await queryInChunks(variantGids, (chunk) =>
      db.variant.findMany({
        where: { shopId, gid: { in: chunk } },
        select: { gid: true, available: true, inventoryPolicy: true },
      }),
    );
    const stock = new Map(variants.map((v) => [v.gid, v]));
    const earliest = new Date(Math.min(...rows.map((r) => Date.parse(String(r.data.since)))));
    const bought = await loadProductPurchases(
      db,
      shopId,
      rows.map((r) => r.customerId),
      rows.map((r) => String(r.data.productGid)),
      earliest,
    );
    const keys = [...new Set(rows.map((r) => r.triggerKey))];
    const sent = await queryInChunks(keys, (chunk) =>
      db.message.groupBy({
        by: ["triggerKey"],
        where: { shopId, scenario: "back_in_stock", triggerKey: { in: chunk }, status: { in: ["sent", "sending"] } },
        _count: { _all: true },
      }),
    );
    const sentByKey = new Map(sent.map((s) => [s.triggerKey, s._count._all]));
    // subscribers before viewers, as planned: the cap cuts from the end of the line
    const ordered = [...rows].sort((a, b) => Number(a.data.rank) - Number(b.data.rank));
    const used = new Map<string, number>();
    for (const row of ordered) {
      const variant = stock.get(String(row.data.variantGid));
      const units = variant?.available ?? 0;
      const unlimited = variant?.inventoryPolicy === "continue";
      if (!variant) exits.set(row.id, "the variant no longer exists");
      else if (!unlimited && units <= 0) exits.set(row.id, "sold out again before sending");
      else if (bought.boughtSince(row.customerId, String(row.data.productGid), new Date(String(row.data.since))))
        exits.set(row.id, "bought it since the restock");
      else {
        const already = (sentByKey.get(row.triggerKey) ?? 0) + (used.get(row.triggerKey) ?? 0);
        if (!unlimited && already >= settings.recipientMultiple * units) {
          exits.set(row.id, `recipient cap reached: ${units} units left × ${settings.recipientMultiple}`);
        } else used.set(row.triggerKey, (used.get(row.triggerKey) ?? 0) + 1);
      }
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
    const out = new Map<
      string,
      { products: ReturnType<typeof products.forItems>; recoveryUrl: null; incentive: null }
    >();
    for (const row of rows) {
      const items = products.forItems([
        { productGid: String(row.data.productGid), variantGid: String(row.data.variantGid) },
      ]);
      if (items.length > 0) out.set(row.id, { products: items, recoveryUrl: null, incentive: null });
    }
    return out;
  },
});
