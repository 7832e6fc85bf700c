// 閲覧離脱: an identified visitor viewed products and did not add to cart, check out or order.
// Sent 2 h after the last view; never to someone who got an abandonment email in the last 14 days.
import { zonedParts } from "~/modules/engine/rules/shop-time";
import { orderedSince, productsForEmail } from "./catalog-products.server";
import { defineScenario, type Candidate } from "./scenario-definition";

const DAY = 86_400_000;

export const browseAbandonment = defineScenario({
  key: "browse_abandonment",

  async plan({ db, shopId, now, timezone, settings }) {
    const since = new Date(now.getTime() - 2 * DAY);
    const views = await db.behaviourEvent.findMany({
      where: { shopId, name: "product_viewed", customerId: { not: null }, productGid: { not: null }, occurredAt: { gte: since } },
      select: { customerId: true, productGid: true, occurredAt: true },
      orderBy: { occurredAt: "asc" },
    });
    const sessions = new Map<string, { first: Date; last: Date; products: string[] }>();
    for (const view of views) {
      // one browse session per customer per shop-local day
      const day = zonedParts(view.occurredAt, timezone);
      const key = `${view.customerId}|${day.year}-${String(day.month).padStart(2, "0")}-${String(day.day).padStart(2, "0")}`;
      const session = sessions.get(key) ?? { first: view.occurredAt, last: view.occurredAt, products: [] };
      session.last = view.occurredAt;
      session.products = [view.productGid!, ...session.products.filter((p) => p !== view.productGid)];
      sessions.set(key, session);
    }
    const candidates: Candidate[] = [];
    for (const [key, session] of sessions) {
      const [customerId, day] = key.split("|");
      candidates.push({
        customerId,
        triggerKey: `browse:${day}`,
        dueAt: new Date(session.last.getTime() + settings.delayMinutes * 60_000),
        latestUsefulAt: new Date(session.last.getTime() + 2 * DAY),
        data: { since: session.first.toISOString(), products: session.products.slice(0, settings.maxProducts) },
      });
    }
    return candidates;
  },

  async exit({ db, shopId, now, settings }, row) {
    const since = new Date(String(row.data.since));
    if (await orderedSince(db, shopId, row.customerId, since)) return "ordered since browsing";
    const engaged = await db.behaviourEvent.findFirst({
      where: { shopId, customerId: row.customerId, occurredAt: { gte: since }, name: { in: ["product_added_to_cart", "checkout_started"] } },
      select: { id: true },
    });
    if (engaged) return "added to cart or started checkout (the cart reminder covers it)";
    const recentAbandonment = await db.message.findFirst({
      where: {
        shopId,
        customerId: row.customerId,
        scenario: { in: ["cart_abandonment", "browse_abandonment"] },
        status: "sent",
        sentAt: { gte: new Date(now.getTime() - settings.suppressAfterAbandonmentDays * DAY) },
      },
      select: { scenario: true },
    });
    if (recentAbandonment) return `an abandonment email (${recentAbandonment.scenario}) was sent in the last ${settings.suppressAfterAbandonmentDays} days`;
    return null;
  },

  async content({ db, shopId, storefrontUrl }, row) {
    const products = Array.isArray(row.data.products) ? row.data.products : [];
    return {
      products: await productsForEmail(db, shopId, products.map((productGid) => ({ productGid })), storefrontUrl),
      recoveryUrl: null,
      incentive: null,
    };
  },
});
