import type { Db } from "~/db.server";
import type { TemplateProduct } from "~/modules/mail/render-message";

/**
 * Products as the emails show them, from the mirror: title, image, current price of the given
 * (or first) variant, storefront URL. Deleted or unpublished products are left out.
 */
export async function productsForEmail(
  db: Db,
  shopId: string,
  items: { productGid: string | null; variantGid?: string | null; quantity?: number }[],
  storefrontUrl: string,
): Promise<TemplateProduct[]> {
  const gids = [...new Set(items.flatMap((i) => (i.productGid ? [i.productGid] : [])))];
  if (gids.length === 0) return [];
  const products = await db.product.findMany({
    where: { shopId, gid: { in: gids }, deletedAt: null },
    include: { variants: true },
  });
  const byGid = new Map(products.map((p) => [p.gid, p]));
  return items.flatMap((item) => {
    const product = item.productGid ? byGid.get(item.productGid) : undefined;
    if (!product || (product.status && product.status !== "active")) return [];
    const variant = product.variants.find((v) => v.gid === item.variantGid) ?? product.variants[0];
    return [{
      title: product.title,
      imageUrl: product.imageUrl,
      price: variant?.price ?? 0n,
      url: `${storefrontUrl}/products/${product.handle ?? ""}`,
      ...(item.quantity ? { quantity: item.quantity } : {}),
    }];
  });
}

/** True when every known variant among these is sold out (unknown availability counts as in stock). */
export async function allSoldOut(db: Db, shopId: string, variantGids: string[]): Promise<boolean> {
  if (variantGids.length === 0) return false;
  const variants = await db.variant.findMany({ where: { shopId, gid: { in: variantGids } }, select: { available: true, inventoryPolicy: true } });
  if (variants.length < new Set(variantGids).size) return false;
  return variants.every((v) => v.available !== null && v.available <= 0 && v.inventoryPolicy !== "continue");
}

/** Did the person order at or after this moment (by account, or by email for guest checkouts)? */
export async function orderedSince(db: Db, shopId: string, customerId: string, since: Date): Promise<boolean> {
  const customer = await db.customer.findUnique({ where: { id: customerId }, select: { emailNormalized: true } });
  const order = await db.order.findFirst({
    where: {
      shopId,
      shopifyCreatedAt: { gte: since },
      cancelledAt: null,
      OR: [{ customerId }, ...(customer?.emailNormalized ? [{ emailNormalized: customer.emailNormalized }] : [])],
    },
    select: { id: true },
  });
  return order !== null;
}
