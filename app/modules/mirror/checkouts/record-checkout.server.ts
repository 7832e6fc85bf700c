import type { Tx } from "~/db.server";
import { normalizeEmail } from "~/lib/email";
import { storedNotNewerThan } from "~/lib/newer-wins";
import type { NormalizedCheckout, ShopScope } from "~/modules/mirror/types";
import { linkVisitorsByCheckout } from "~/modules/mirror/visitors/visitor-links.server";
import { ensureCustomerByEmail, upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";

/**
 * Mirrors a checkout (upsert if newer). The person is the checkout's customer account, else
 * the person with the checkout email (a guest row is created so consent has a home). Ticking
 * "email me with news and offers" subscribes; leaving it unticked never unsubscribes.
 */
export async function recordCheckout(
  tx: Tx,
  scope: ShopScope,
  checkout: NormalizedCheckout,
): Promise<{ checkoutId: string; applied: boolean }> {
  const existing = await tx.checkout.findUnique({
    where: { shopId_token: { shopId: scope.shopId, token: checkout.token } },
  });
  if (existing?.shopifyUpdatedAt && checkout.updatedAt && checkout.updatedAt < existing.shopifyUpdatedAt) {
    return { checkoutId: existing.id, applied: false };
  }
  const optIn = checkout.buyerAcceptsMarketing
    ? { state: "SUBSCRIBED" as const, optInLevel: "SINGLE_OPT_IN", updatedAt: checkout.updatedAt }
    : null;
  let customerId: string | null = null;
  if (checkout.customer) {
    customerId = (
      await upsertCustomer(
        tx,
        scope,
        { ...checkout.customer, consent: checkout.customer.consent ?? optIn },
        { consentSource: "checkout" },
      )
    ).id;
  } else {
    customerId = await ensureCustomerByEmail(tx, scope, checkout.email, {
      locale: checkout.locale,
      consent: optIn,
      consentSource: "checkout",
    });
  }
  const data = {
    shopifyId: checkout.shopifyId,
    cartToken: checkout.cartToken,
    customerId,
    customerGid: checkout.customerGid,
    email: checkout.email,
    emailNormalized: normalizeEmail(checkout.email),
    locale: checkout.locale,
    currency: checkout.currency,
    totalPrice: checkout.totalPrice,
    abandonedCheckoutUrl: checkout.abandonedCheckoutUrl,
    lines: JSON.stringify(checkout.lines, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
    buyerAcceptsMarketing: checkout.buyerAcceptsMarketing,
    // an order that already arrived for this checkout completed it; never un-complete
    completedAt: checkout.completedAt ?? existing?.completedAt ?? null,
    shopifyCreatedAt: checkout.createdAt,
    shopifyUpdatedAt: checkout.updatedAt,
  };
  if (!data.completedAt) {
    const order = await tx.order.findFirst({
      where: { shopId: scope.shopId, checkoutToken: checkout.token },
      select: { shopifyCreatedAt: true },
    });
    if (order) data.completedAt = order.shopifyCreatedAt;
  }
  if (existing) {
    const written = await tx.checkout.updateMany({
      where: { id: existing.id, ...storedNotNewerThan(checkout.updatedAt) },
      data,
    });
    // a newer version was written by another worker since the read above: it stands
    if (written.count === 1 && customerId)
      await linkVisitorsByCheckout(tx, scope.shopId, checkout.token, customerId, scope.now);
    return { checkoutId: existing.id, applied: written.count === 1 };
  }
  const saved = await tx.checkout.create({ data: { shopId: scope.shopId, token: checkout.token, ...data } });
  // Shopify signed this checkout: the browsers whose checkout_started carried its token are its customer's
  if (customerId) await linkVisitorsByCheckout(tx, scope.shopId, checkout.token, customerId, scope.now);
  return { checkoutId: saved.id, applied: true };
}

/** checkouts/delete carries only the numeric id (and cart token): mark the checkout gone. */
export async function deleteCheckout(
  tx: Tx,
  scope: ShopScope,
  ref: { shopifyId: string | null; cartToken: string | null },
): Promise<number> {
  const or = [
    ...(ref.shopifyId ? [{ shopifyId: ref.shopifyId }] : []),
    ...(ref.cartToken ? [{ cartToken: ref.cartToken, completedAt: null }] : []),
  ];
  if (or.length === 0) return 0;
  const result = await tx.checkout.updateMany({
    where: { shopId: scope.shopId, deletedAt: null, OR: or },
    data: { deletedAt: scope.now },
  });
  return result.count;
}
