// Batch loaders the scenarios share: each answers a whole batch of ledger rows with a few
// queries (chunked under SQLite's bind-parameter limit), then serves per-row questions from memory.
import type { Db } from "~/db.server";
import { queryInChunks } from "~/lib/chunks";
import type { TemplateProduct } from "~/modules/delivery/mail/templates/types";

export interface EmailItem {
  productGid: string | null;
  variantGid?: string | null;
  quantity?: number;
}

export interface EmailProducts {
  /**
   * Products as the emails show them, from the mirror: title, image, current price of the given
   * (or first) variant, storefront URL. Deleted or unpublished products are left out.
   */
  forItems(items: EmailItem[]): TemplateProduct[];
}

export async function loadEmailProducts(
  db: Db,
  shopId: string,
  productGids: Iterable<string | null | undefined>,
  storefrontUrl: string,
): Promise<EmailProducts> {
  const gids = [...new Set([...productGids].filter((g): g is string => typeof g === "string" && g.length > 0))];
  const products = await queryInChunks(gids, (chunk) =>
    db.product.findMany({ where: { shopId, gid: { in: chunk }, deletedAt: null }, include: { variants: true } }),
  );
  const byGid = new Map(products.map((p) => [p.gid, p]));
  return {
    forItems(items) {
      return items.flatMap((item) => {
        const product = item.productGid ? byGid.get(item.productGid) : undefined;
        if (!product || (product.status && product.status !== "active")) return [];
        const variant = product.variants.find((v) => v.gid === item.variantGid) ?? product.variants[0];
        return [
          {
            title: product.title,
            imageUrl: product.imageUrl,
            price: variant?.price ?? 0n,
            url: `${storefrontUrl}/products/${product.handle ?? ""}`,
            ...(item.quantity ? { quantity: item.quantity } : {}),
          },
        ];
      });
    },
  };
}

/** One-product convenience for callers outside a batch (previews, tests). */
export async function productsForEmail(
  db: Db,
  shopId: string,
  items: EmailItem[],
  storefrontUrl: string,
): Promise<TemplateProduct[]> {
  return (
    await loadEmailProducts(
      db,
      shopId,
      items.map((i) => i.productGid),
      storefrontUrl,
    )
  ).forItems(items);
}

export interface VariantStock {
  /** True when every known variant among these is sold out (unknown availability counts as in stock). */
  allSoldOut(variantGids: readonly unknown[]): boolean;
}

export async function loadVariantStock(db: Db, shopId: string, variantGids: Iterable<unknown>): Promise<VariantStock> {
  const gids = [...new Set([...variantGids].filter((g): g is string => typeof g === "string"))];
  const variants = await queryInChunks(gids, (chunk) =>
    db.variant.findMany({
      where: { shopId, gid: { in: chunk } },
      select: { gid: true, available: true, inventoryPolicy: true },
    }),
  );
  const byGid = new Map(variants.map((v) => [v.gid, v]));
  return {
    allSoldOut(list) {
      const wanted = [...new Set(list.filter((g): g is string => typeof g === "string"))];
      if (wanted.length === 0) return false;
      return wanted.every((gid) => {
        const v = byGid.get(gid);
        return v !== undefined && v.available !== null && v.available <= 0 && v.inventoryPolicy !== "continue";
      });
    },
  };
}

export interface OrderActivity {
  /** Did the person order at or after this moment (by account, or by email for guest checkouts)? */
  orderedSince(customerId: string, since: Date): boolean;
}

/**
 * Uncancelled orders since `earliest` of these customers, matched by account or by normalised
 * email (guest checkouts), so exits see an order however it was placed.
 */
export async function loadOrderActivity(
  db: Db,
  shopId: string,
  customerIds: Iterable<string>,
  earliest: Date,
): Promise<OrderActivity> {
  const ids = [...new Set(customerIds)];
  const customers = await queryInChunks(ids, (chunk) =>
    db.customer.findMany({ where: { shopId, id: { in: chunk } }, select: { id: true, emailNormalized: true } }),
  );
  const emailOf = new Map(customers.map((c) => [c.id, c.emailNormalized]));
  const emails = customers.flatMap((c) => (c.emailNormalized ? [c.emailNormalized] : []));
  const byCustomer = await queryInChunks(ids, (chunk) =>
    db.order.findMany({
      where: { shopId, customerId: { in: chunk }, cancelledAt: null, shopifyCreatedAt: { gte: earliest } },
      select: { customerId: true, emailNormalized: true, shopifyCreatedAt: true },
    }),
  );
  const byEmail = await queryInChunks(emails, (chunk) =>
    db.order.findMany({
      where: { shopId, emailNormalized: { in: chunk }, cancelledAt: null, shopifyCreatedAt: { gte: earliest } },
      select: { customerId: true, emailNormalized: true, shopifyCreatedAt: true },
    }),
  );
  const latest = new Map<string, number>();
  const note = (key: string | null, at: Date) => {
    if (key && at.getTime() > (latest.get(key) ?? -Infinity)) latest.set(key, at.getTime());
  };
  for (const order of [...byCustomer, ...byEmail]) {
    note(order.customerId ? `id:${order.customerId}` : null, order.shopifyCreatedAt);
    note(order.emailNormalized ? `email:${order.emailNormalized}` : null, order.shopifyCreatedAt);
  }
  return {
    orderedSince(customerId, since) {
      const email = emailOf.get(customerId);
      const last = Math.max(
        latest.get(`id:${customerId}`) ?? -Infinity,
        email ? (latest.get(`email:${email}`) ?? -Infinity) : -Infinity,
      );
      return last >= since.getTime();
    },
  };
}

/** The earliest of the rows' `data.since` timestamps (the window the exits must look at). */
export function earliestSince(rows: { data: Record<string, unknown> }[], fallback: Date): Date {
  let earliest = fallback.getTime();
  for (const row of rows) {
    const t = Date.parse(String(row.data.since));
    if (Number.isFinite(t) && t < earliest) earliest = t;
  }
  return new Date(earliest);
}
