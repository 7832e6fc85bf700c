import type { Tx } from "~/db.server";
import type { NormalizedInventoryLevel, ShopScope } from "~/modules/mirror/types";
import { recordRestockIfAny } from "./record-restock.server";

/** Mirrors one location's level (if newer) and re-derives the variants' total availability. */
export async function recordInventoryLevel(
  tx: Tx,
  scope: ShopScope,
  level: NormalizedInventoryLevel,
): Promise<boolean> {
  const key = { shopId: scope.shopId, inventoryItemGid: level.inventoryItemGid, locationGid: level.locationGid };
  const existing = await tx.inventoryLevel.findUnique({ where: { shopId_inventoryItemGid_locationGid: key } });
  if (existing && existing.shopifyUpdatedAt > level.updatedAt) return false;
  if (existing) {
    // not older than what is held, checked by the UPDATE itself (another worker may have written since the read)
    const written = await tx.inventoryLevel.updateMany({
      where: { id: existing.id, shopifyUpdatedAt: { lte: level.updatedAt } },
      data: { available: level.available, shopifyUpdatedAt: level.updatedAt },
    });
    if (written.count === 0) return false;
  } else
    await tx.inventoryLevel.create({ data: { ...key, available: level.available, shopifyUpdatedAt: level.updatedAt } });

  const total = await tx.inventoryLevel.aggregate({
    where: { shopId: scope.shopId, inventoryItemGid: level.inventoryItemGid },
    _sum: { available: true },
  });
  const available = total._sum.available ?? 0;
  const variants = await tx.variant.findMany({
    where: { shopId: scope.shopId, inventoryItemGid: level.inventoryItemGid },
  });
  for (const variant of variants) {
    await tx.variant.update({ where: { id: variant.id }, data: { available } });
    await recordRestockIfAny(tx, scope, {
      variantGid: variant.gid,
      before: variant.available,
      after: available,
      at: level.updatedAt,
    });
  }
  return true;
}
