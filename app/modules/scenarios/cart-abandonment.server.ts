// カゴ落ち: a checkout with an email that was not completed, or an identified visitor who added
// to cart and did not check out. First reminder 1 h after the last activity, optional second at 24 h.
import { allSoldOut, orderedSince, productsForEmail } from "./catalog-products.server";
import { defineScenario, type Candidate } from "./scenario-definition";

const HOUR = 3_600_000;
const LOOKBACK_DAYS = 7;

interface CheckoutLine {
  productGid: string | null;
  variantGid: string | null;
  quantity: number;
}

export const cartAbandonment = defineScenario({
  key: "cart_abandonment",

  async plan({ db, shopId, now, settings }) {
    const delayMs = settings.delayMinutes * 60_000;
    const since = new Date(now.getTime() - LOOKBACK_DAYS * 24 * HOUR);
    const checkouts = await db.checkout.findMany({
      where: {
        shopId,
        completedAt: null,
        deletedAt: null,
        customerId: { not: null },
        emailNormalized: { not: null },
        OR: [{ shopifyUpdatedAt: { gte: since } }, { shopifyUpdatedAt: null, shopifyCreatedAt: { gte: since } }],
      },
      select: { token: true, customerId: true, shopifyCreatedAt: true, shopifyUpdatedAt: true },
    });
    const candidates: Candidate[] = [];
    for (const checkout of checkouts) {
      const lastActivity = checkout.shopifyUpdatedAt ?? checkout.shopifyCreatedAt;
      const data = { source: "checkout", token: checkout.token, since: checkout.shopifyCreatedAt.toISOString() };
      candidates.push({
        customerId: checkout.customerId!,
        triggerKey: `checkout:${checkout.token}:1`,
        dueAt: new Date(lastActivity.getTime() + delayMs),
        latestUsefulAt: new Date(lastActivity.getTime() + 3 * 24 * HOUR),
        data,
      });
      if (settings.secondReminder.enabled) {
        candidates.push({
          customerId: checkout.customerId!,
          triggerKey: `checkout:${checkout.token}:2`,
          dueAt: new Date(lastActivity.getTime() + settings.secondReminder.delayHours * HOUR),
          latestUsefulAt: new Date(lastActivity.getTime() + (settings.secondReminder.delayHours + 48) * HOUR),
          data,
        });
      }
    }
    // Identified visitors who added to cart but never reached checkout.
    const adds = await db.behaviourEvent.findMany({
      where: { shopId, name: "product_added_to_cart", customerId: { not: null }, occurredAt: { gte: since } },
      select: { customerId: true, productGid: true, variantGid: true, quantity: true, occurredAt: true, eventId: true },
      orderBy: { occurredAt: "asc" },
    });
    const byCustomer = new Map<string, typeof adds>();
    for (const add of adds) byCustomer.set(add.customerId!, [...(byCustomer.get(add.customerId!) ?? []), add]);
    const withCheckout = new Set(checkouts.map((c) => c.customerId));
    for (const [customerId, events] of byCustomer) {
      if (withCheckout.has(customerId)) continue;
      // The cart "session": the adds within a day of the last one, so the trigger key stays
      // stable while the lookback window slides.
      const last = events[events.length - 1];
      const session = events.filter((e) => last.occurredAt.getTime() - e.occurredAt.getTime() <= 24 * HOUR);
      const first = session[0];
      const data = {
        source: "cart",
        since: first.occurredAt.toISOString(),
        products: session.flatMap((e) => (e.productGid ? [e.productGid] : [])),
        variants: session.flatMap((e) => (e.variantGid ? [e.variantGid] : [])),
      };
      candidates.push({
        customerId,
        triggerKey: `cart:${first.eventId}:1`,
        dueAt: new Date(last.occurredAt.getTime() + delayMs),
        latestUsefulAt: new Date(last.occurredAt.getTime() + 3 * 24 * HOUR),
        data,
      });
    }
    return candidates;
  },

  async exit({ db, shopId }, row) {
    const since = new Date(String(row.data.since));
    if (await orderedSince(db, shopId, row.customerId, since)) return "ordered since the cart was abandoned";
    if (row.data.source === "checkout") {
      const checkout = await db.checkout.findUnique({ where: { shopId_token: { shopId, token: String(row.data.token) } } });
      if (!checkout || checkout.deletedAt) return "checkout no longer exists";
      if (checkout.completedAt) return "checkout completed";
      const lines = JSON.parse(checkout.lines) as CheckoutLine[];
      if (await allSoldOut(db, shopId, lines.flatMap((l) => (l.variantGid ? [l.variantGid] : [])))) return "every item in the cart is out of stock";
      return null;
    }
    const checkoutSince = await db.checkout.findFirst({ where: { shopId, customerId: row.customerId, shopifyCreatedAt: { gte: since } }, select: { id: true } });
    if (checkoutSince) return "went on to checkout (the checkout reminder covers it)";
    const variants = Array.isArray(row.data.variants) ? row.data.variants : [];
    if (await allSoldOut(db, shopId, variants)) return "every item in the cart is out of stock";
    return null;
  },

  async content({ db, shopId, storefrontUrl, settings }, row) {
    if (row.data.source === "checkout") {
      const checkout = await db.checkout.findUniqueOrThrow({ where: { shopId_token: { shopId, token: String(row.data.token) } } });
      const lines = JSON.parse(checkout.lines) as CheckoutLine[];
      return {
        products: await productsForEmail(db, shopId, lines, storefrontUrl),
        recoveryUrl: checkout.abandonedCheckoutUrl,
        incentive: settings.incentive.kind === "none" ? null : settings.incentive,
      };
    }
    const products = Array.isArray(row.data.products) ? row.data.products : [];
    return {
      products: await productsForEmail(db, shopId, [...new Set(products)].map((productGid) => ({ productGid })), storefrontUrl),
      recoveryUrl: `${storefrontUrl}/cart`,
      incentive: settings.incentive.kind === "none" ? null : settings.incentive,
    };
  },
});
