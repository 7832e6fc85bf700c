// カゴ落ち: a checkout with an email that was not completed, or an identified visitor who added
// to cart and did not check out. First reminder 1 h after the last activity, optional second at 24 h.
import type { Db } from "~/db.server";
import { queryInChunks } from "~/lib/chunks";
import {
  earliestSince,
  loadEmailProducts,
  loadOrderActivity,
  loadVariantStock,
  type EmailItem,
} from "../../../delivery/mail/catalog-products.server";
import { defineScenario, type CandidateOf, type LedgerRowOf, type MessageContentOf } from "../scenario-definition";

type Candidate = CandidateOf<"cart_abandonment">;
type LedgerRow = LedgerRowOf<"cart_abandonment">;
type MessageContent = MessageContentOf<"cart_abandonment">;

const HOUR = 3_600_000;
const LOOKBACK_DAYS = 7;

interface CheckoutLine {
  productGid: string | null;
  variantGid: string | null;
  quantity: number;
}

export const definition = defineScenario({
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
      const data = {
        source: "checkout" as const,
        token: checkout.token,
        since: checkout.shopifyCreatedAt.toISOString(),
      };
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
      const last = events.at(-1);
      if (!last) continue;
      const session = events.filter((e) => last.occurredAt.getTime() - e.occurredAt.getTime() <= 24 * HOUR);
      const [first = last] = session; // the session holds the last add at least
      const data = {
        source: "cart" as const,
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

  async exits({ db, shopId, now }, rows) {
    const exits = new Map<string, string>();
    const checkouts = await loadCheckouts(
      db,
      shopId,
      rows.flatMap((r) => (r.data.source === "checkout" ? [String(r.data.token)] : [])),
    );
    const cartRows = rows.filter((r) => r.data.source !== "checkout");
    const earliest = earliestSince(rows, now);
    const activity = await loadOrderActivity(
      db,
      shopId,
      rows.map((r) => r.customerId),
      earliest,
    );
    const checkoutStarts = await queryInChunks(
      cartRows.map((r) => r.customerId),
      (chunk) =>
        db.checkout.findMany({
          where: { shopId, customerId: { in: chunk }, shopifyCreatedAt: { gte: earliest } },
          select: { customerId: true, shopifyCreatedAt: true },
        }),
    );
    const lastCheckoutStart = new Map<string, number>();
    for (const c of checkoutStarts)
      lastCheckoutStart.set(
        c.customerId!,
        Math.max(lastCheckoutStart.get(c.customerId!) ?? 0, c.shopifyCreatedAt.getTime()),
      );
    const variantsOf = (row: LedgerRow): unknown[] => {
      if (row.data.source !== "checkout") return Array.isArray(row.data.variants) ? row.data.variants : [];
      const checkout = checkouts.get(String(row.data.token));
      return checkout ? checkoutLines(checkout.lines).flatMap((l) => (l.variantGid ? [l.variantGid] : [])) : [];
    };
    const stock = await loadVariantStock(db, shopId, rows.flatMap(variantsOf));
    for (const row of rows) {
      const since = new Date(String(row.data.since));
      const reason = ((): string | null => {
        if (activity.orderedSince(row.customerId, since)) return "ordered since the cart was abandoned";
        if (row.data.source === "checkout") {
          const checkout = checkouts.get(String(row.data.token));
          if (!checkout || checkout.deletedAt) return "checkout no longer exists";
          if (checkout.completedAt) return "checkout completed";
        } else if ((lastCheckoutStart.get(row.customerId) ?? 0) >= since.getTime()) {
          return "went on to checkout (the checkout reminder covers it)";
        }
        if (stock.allSoldOut(variantsOf(row))) return "every item in the cart is out of stock";
        return null;
      })();
      if (reason) exits.set(row.id, reason);
    }
    return exits;
  },

  async contents({ db, shopId, storefrontUrl, settings }, rows) {
    const checkouts = await loadCheckouts(
      db,
      shopId,
      rows.flatMap((r) => (r.data.source === "checkout" ? [String(r.data.token)] : [])),
    );
    const itemsOf = (row: LedgerRow): EmailItem[] => {
      if (row.data.source === "checkout") {
        const checkout = checkouts.get(String(row.data.token));
        return checkout ? checkoutLines(checkout.lines) : [];
      }
      const products = Array.isArray(row.data.products) ? row.data.products : [];
      return [...new Set(products)].map((productGid) => ({ productGid }));
    };
    const products = await loadEmailProducts(
      db,
      shopId,
      rows.flatMap((r) => itemsOf(r).map((i) => i.productGid)),
      storefrontUrl,
    );
    const incentive = settings.incentive.kind === "none" ? null : settings.incentive;
    const contents = new Map<string, MessageContent>();
    for (const row of rows) {
      if (row.data.source === "checkout") {
        const checkout = checkouts.get(String(row.data.token));
        if (!checkout) continue;
        contents.set(row.id, {
          products: products.forItems(itemsOf(row)),
          recoveryUrl: checkout.abandonedCheckoutUrl,
          incentive,
        });
      } else {
        contents.set(row.id, {
          products: products.forItems(itemsOf(row)),
          recoveryUrl: `${storefrontUrl}/cart`,
          incentive,
        });
      }
    }
    return contents;
  },
});

function checkoutLines(json: string): CheckoutLine[] {
  return JSON.parse(json) as CheckoutLine[];
}

async function loadCheckouts(db: Db, shopId: string, tokens: string[]) {
  const rows = await queryInChunks(tokens, (chunk) =>
    db.checkout.findMany({ where: { shopId, token: { in: chunk } } }),
  );
  return new Map(rows.map((c) => [c.token, c]));
}
