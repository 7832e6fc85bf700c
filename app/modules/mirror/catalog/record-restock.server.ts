import type { Tx } from "~/db.server";
import type { ShopScope } from "~/modules/mirror/types";

export const RESTOCK_THRESHOLD = 1;

/** A variant going from ≤ 0 to ≥ the threshold is a restock: handed to the engine once per transition. */
export async function recordRestockIfAny(
  tx: Tx,
  scope: ShopScope,
  change: { variantGid: string; before: number | null; after: number | null; at: Date },
): Promise<boolean> {
  if (change.before === null || change.after === null) return false;
  if (!(change.before <= 0 && change.after >= RESTOCK_THRESHOLD)) return false;
  await tx.trigger.upsert({
    where: {
      shopId_kind_subjectKey: {
        shopId: scope.shopId,
        kind: "restock",
        subjectKey: `${change.variantGid}@${change.at.toISOString()}`,
      },
    },
    create: {
      shopId: scope.shopId,
      kind: "restock",
      subjectKey: `${change.variantGid}@${change.at.toISOString()}`,
      data: JSON.stringify({ variantGid: change.variantGid, available: change.after }),
      occurredAt: change.at,
    },
    update: {},
  });
  return true;
}
