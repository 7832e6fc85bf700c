// Batch loader for "did this customer buy this product since …" (back in stock, replenishment):
// one pass over the batch's customers (by account, and by email for guest orders), a fixed number
// of chunked queries, then answers from memory.
import type { Db } from "~/db.server";
import { queryInChunks } from "~/lib/chunks";

export interface ProductPurchases {
  /** true when the customer has an uncancelled order with this product at or after `since` */
  boughtSince(customerId: string, productGid: string, since: Date): boolean;
}

export async function loadProductPurchases(
  db: Db,
  shopId: string,
  customerIds: Iterable<string>,
  productGids: Iterable<string>,
  earliest: Date,
): Promise<ProductPurchases> {
  const ids = [...new Set(customerIds)];
  const products = [...new Set(productGids)];
  const latest = new Map<string, number>();
  if (ids.length === 0 || products.length === 0) return { boughtSince: () => false };
  const customers = await queryInChunks(ids, (chunk) =>
    db.customer.findMany({ where: { shopId, id: { in: chunk } }, select: { id: true, emailNormalized: true } }),
  );
  const emailOf = new Map(customers.map((c) => [c.id, c.emailNormalized]));
  const emails = customers.flatMap((c) => (c.emailNormalized ? [c.emailNormalized] : []));
  const select = {
    productGid: true,
    order: { select: { customerId: true, emailNormalized: true, shopifyCreatedAt: true } },
  } as const;
  // products stay few per batch (one restock, a handful of consumables): chunk by the customers
  const productFilter = products.length <= 200 ? { in: products } : undefined;
  const lines = [
    ...(await queryInChunks(ids, (chunk) =>
      db.orderLine.findMany({
        where: {
          shopId,
          productGid: productFilter ?? { not: null },
          order: { customerId: { in: chunk }, cancelledAt: null, shopifyCreatedAt: { gte: earliest } },
        },
        select,
      }),
    )),
    ...(await queryInChunks(emails, (chunk) =>
      db.orderLine.findMany({
        where: {
          shopId,
          productGid: productFilter ?? { not: null },
          order: { emailNormalized: { in: chunk }, cancelledAt: null, shopifyCreatedAt: { gte: earliest } },
        },
        select,
      }),
    )),
  ];
  const note = (key: string, at: Date) => latest.set(key, Math.max(latest.get(key) ?? -Infinity, at.getTime()));
  for (const line of lines) {
    if (!line.productGid) continue;
    if (line.order.customerId) note(`id:${line.order.customerId}|${line.productGid}`, line.order.shopifyCreatedAt);
    if (line.order.emailNormalized)
      note(`email:${line.order.emailNormalized}|${line.productGid}`, line.order.shopifyCreatedAt);
  }
  return {
    boughtSince(customerId, productGid, since) {
      const email = emailOf.get(customerId);
      const last = Math.max(
        latest.get(`id:${customerId}|${productGid}`) ?? -Infinity,
        email ? (latest.get(`email:${email}|${productGid}`) ?? -Infinity) : -Infinity,
      );
      return last >= since.getTime();
    },
  };
}

/** Sent messages per customer since `since` (any scenario): for "received any Joren email lately". */
export async function loadRecentSends(
  db: Db,
  shopId: string,
  customerIds: Iterable<string>,
  since: Date,
): Promise<Set<string>> {
  const rows = await queryInChunks([...new Set(customerIds)], (chunk) =>
    db.message.findMany({
      where: { shopId, customerId: { in: chunk }, status: "sent", sentAt: { gte: since } },
      select: { customerId: true },
    }),
  );
  return new Set(rows.map((r) => r.customerId));
}
