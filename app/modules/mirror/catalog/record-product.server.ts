import type { Tx } from "~/db.server";
import { storedNotNewerThan } from "~/lib/newer-wins";
import type { NormalizedProduct, ShopScope } from "~/modules/mirror/types";
import { recordRestockIfAny } from "./record-restock.server";

/** Mirrors a product and its variants (upsert if newer). Variants missing from the payload are removed. */
export async function recordProduct(
  tx: Tx,
  scope: ShopScope,
  product: NormalizedProduct,
): Promise<{ productId: string; applied: boolean }> {
  const existing = await tx.product.findUnique({ where: { shopId_gid: { shopId: scope.shopId, gid: product.gid } } });
  if (existing?.shopifyUpdatedAt && product.updatedAt && product.updatedAt < existing.shopifyUpdatedAt) {
    return { productId: existing.id, applied: false };
  }
  const data = {
    title: product.title,
    handle: product.handle,
    status: product.status,
    productType: product.productType,
    vendor: product.vendor,
    tags: product.tags,
    imageUrl: product.imageUrl,
    publishedAt: product.publishedAt,
    shopifyUpdatedAt: product.updatedAt,
    deletedAt: null,
  };
  if (existing) {
    const written = await tx.product.updateMany({
      where: { id: existing.id, ...storedNotNewerThan(product.updatedAt) },
      data,
    });
    // a newer version was written by another worker since the read above: its variants stand
    if (written.count === 0) return { productId: existing.id, applied: false };
  }
  const productId = existing
    ? existing.id
    : (await tx.product.create({ data: { shopId: scope.shopId, gid: product.gid, ...data } })).id;

  const keep = product.variants.map((v) => v.gid);
  await tx.variant.deleteMany({ where: { shopId: scope.shopId, productId, gid: { notIn: keep } } });
  for (const variant of product.variants) {
    const current = await tx.variant.findUnique({ where: { shopId_gid: { shopId: scope.shopId, gid: variant.gid } } });
    const levels = variant.inventoryItemGid
      ? await tx.inventoryLevel.aggregate({
          where: { shopId: scope.shopId, inventoryItemGid: variant.inventoryItemGid },
          _sum: { available: true },
          _count: true,
        })
      : null;
    // Location levels, once known, are the better source of availability than the product payload.
    const available = levels && levels._count > 0 ? (levels._sum.available ?? 0) : variant.inventoryQuantity;
    const fields = {
      productId,
      title: variant.title,
      sku: variant.sku,
      price: variant.price,
      inventoryItemGid: variant.inventoryItemGid,
      available,
      inventoryPolicy: variant.inventoryPolicy,
      shopifyUpdatedAt: variant.updatedAt,
    };
    if (current) {
      const written = await tx.variant.updateMany({
        where: { id: current.id, ...storedNotNewerThan(variant.updatedAt) },
        data: fields,
      });
      if (written.count === 0) continue; // another worker wrote a newer version of this variant
    } else {
      await tx.variant.create({ data: { shopId: scope.shopId, gid: variant.gid, ...fields } });
    }
    await recordRestockIfAny(tx, scope, {
      variantGid: variant.gid,
      before: current?.available ?? null,
      after: available,
      at: product.updatedAt ?? scope.now,
    });
  }
  return { productId, applied: true };
}

/** products/delete: kept for order history and reports, but never recommended or mailed again. */
export async function deleteProduct(tx: Tx, scope: ShopScope, productGid: string): Promise<boolean> {
  const result = await tx.product.updateMany({
    where: { shopId: scope.shopId, gid: productGid, deletedAt: null },
    data: { deletedAt: scope.now },
  });
  return result.count > 0;
}
