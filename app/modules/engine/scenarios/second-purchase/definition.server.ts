// F2 (second purchase): a customer with exactly one counted order hears from the shop at the
// shop's median gap between first and second orders (from the recommendation model; the
// fallback while fewer than MIN_SECOND_ORDER_SAMPLES second orders are known), with what
// first-time buyers of the same products went on to buy next. Never a first-purchase offer.
import { recommendProductGids } from "~/modules/engine/recommendations/recommend.server";
import { loadEmailProducts, loadOrderActivity } from "../../../delivery/mail/catalog-products.server";
import { defineScenario, type CandidateOf } from "../scenario-definition";

type Candidate = CandidateOf<"second_purchase">;

const DAY = 86_400_000;
/** a reminder more than a week late no longer fits the moment */
const LATE_DAYS = 7;
const PRODUCTS_PER_EMAIL = 4;

/** The shop's median 1st→2nd order gap in whole days, or the fallback when not enough data. */
export async function secondPurchaseDelayDays(
  db: Parameters<typeof recommendProductGids>[0],
  shopId: string,
  fallbackDays: number,
): Promise<{ days: number; source: "shop median" | "fallback" }> {
  const model = await db.recommendationModel.findUnique({ where: { shopId }, select: { medianSecondOrderDays: true } });
  if (model?.medianSecondOrderDays == null) return { days: fallbackDays, source: "fallback" };
  return { days: Math.max(1, Math.round(model.medianSecondOrderDays)), source: "shop median" };
}

export const definition = defineScenario({
  key: "second_purchase",

  async plan({ db, shopId, now, settings }) {
    const delay = await secondPurchaseDelayDays(db, shopId, settings.fallbackDays);
    const customers = await db.customer.findMany({
      where: {
        shopId,
        ordersCount: 1,
        deletedAt: null,
        redactedAt: null,
        firstOrderAt: {
          gte: new Date(now.getTime() - (delay.days + LATE_DAYS) * DAY),
          lte: new Date(now.getTime() - delay.days * DAY),
        },
      },
      select: { id: true, firstOrderAt: true },
    });
    return customers.map((c): Candidate => {
      const dueAt = new Date(c.firstOrderAt!.getTime() + delay.days * DAY);
      return {
        customerId: c.id,
        // one per first order: a first order that is refunded and replaced is a new first order
        triggerKey: `first:${c.firstOrderAt!.toISOString()}`,
        dueAt,
        latestUsefulAt: new Date(dueAt.getTime() + LATE_DAYS * DAY),
        data: {
          since: new Date(c.firstOrderAt!.getTime() + 1).toISOString(),
          delayDays: delay.days,
          delaySource: delay.source,
        },
      };
    });
  },

  async exits({ db, shopId, now }, rows) {
    const exits = new Map<string, string>();
    const earliest = new Date(Math.min(now.getTime(), ...rows.map((r) => Date.parse(String(r.data.since)))));
    const activity = await loadOrderActivity(
      db,
      shopId,
      rows.map((r) => r.customerId),
      earliest,
    );
    for (const row of rows)
      if (activity.orderedSince(row.customerId, new Date(String(row.data.since))))
        exits.set(row.id, "second order placed");
    return exits;
  },

  async contents({ db, shopId, now, storefrontUrl }, rows) {
    // "next" neighbours first (what first-time buyers bought next), then similar products
    const lists = await recommendProductGids(
      db,
      shopId,
      rows.map((r) => r.customerId),
      { limit: PRODUCTS_PER_EMAIL, now, neighbourKinds: ["next", "similar"] },
    );
    const products = await loadEmailProducts(db, shopId, [...lists.values()].flat(), storefrontUrl);
    const out = new Map<
      string,
      { products: ReturnType<typeof products.forItems>; recoveryUrl: null; incentive: null }
    >();
    for (const row of rows) {
      const items = products.forItems((lists.get(row.customerId) ?? []).map((productGid) => ({ productGid })));
      if (items.length > 0) out.set(row.id, { products: items, recoveryUrl: null, incentive: null });
    }
    return out;
  },
});
