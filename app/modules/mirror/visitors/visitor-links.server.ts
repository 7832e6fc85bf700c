// Which person a browser (the pixel's clientId) belongs to. The pixel endpoint is unsigned, so
// nothing in its body decides that: a browser is linked only when a checkout Shopify told us
// about in a signed checkouts/* webhook shares its token with that browser's checkout_started
// event, in the same shop (docs/decisions/0024-pixel-identity-verified-links.md). Checkout tokens
// are unguessable, so a browser can only join a checkout it took part in.
import type { Tx } from "~/db.server";

export type LinkSource = "checkout";

/**
 * Links the browser to the customer (creating its Visitor row if the checkout webhook came
 * first), and gives its events that belong to nobody yet to that customer: the browsing before
 * the checkout was the same person's. Events already attributed keep their person (a shared
 * computer used by someone else later does not rewrite the earlier one's history).
 */
export async function linkVisitor(
  tx: Tx,
  shopId: string,
  clientId: string,
  customerId: string,
  via: LinkSource,
  now: Date,
): Promise<void> {
  const where = { shopId_clientId: { shopId, clientId } };
  const existing = await tx.visitor.findUnique({ where, select: { customerId: true } });
  if (existing?.customerId === customerId) return;
  await tx.visitor.upsert({
    where,
    create: { shopId, clientId, customerId, linkedVia: via, firstSeenAt: now, lastSeenAt: now },
    update: { customerId, linkedVia: via },
  });
  await tx.behaviourEvent.updateMany({ where: { shopId, clientId, customerId: null }, data: { customerId } });
}

/**
 * The customer of the newest mirrored checkout (this shop's only) among the tokens a browser's
 * checkout_started events carried, or null when none is mirrored with a customer yet.
 */
export async function customerOfCheckouts(tx: Tx, shopId: string, tokens: readonly string[]): Promise<string | null> {
  if (tokens.length === 0) return null;
  const checkout = await tx.checkout.findFirst({
    where: { shopId, token: { in: [...new Set(tokens)] }, customerId: { not: null } },
    orderBy: [{ shopifyCreatedAt: "desc" }, { id: "asc" }],
    select: { customerId: true },
  });
  return checkout?.customerId ?? null;
}

/**
 * Called when a signed checkouts/* webhook is mirrored: every browser whose checkout_started in
 * this shop carried the token is linked to the checkout's customer. Returns how many browsers.
 */
export async function linkVisitorsByCheckout(
  tx: Tx,
  shopId: string,
  token: string,
  customerId: string,
  now: Date,
): Promise<number> {
  const started = await tx.behaviourEvent.findMany({
    where: { shopId, checkoutToken: token, name: "checkout_started" },
    select: { clientId: true },
    distinct: ["clientId"],
    take: 20,
  });
  for (const { clientId } of started) await linkVisitor(tx, shopId, clientId, customerId, "checkout", now);
  return started.length;
}
