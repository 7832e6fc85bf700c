import type { Tx } from "~/db.server";
import type { ShopScope } from "~/modules/mirror/types";
import { movePointsToCustomer } from "~/modules/mirror/points/points-ledger.server";
import { recomputeCustomerRollups } from "./recompute-rollups.server";

/**
 * customers/merge (status completed): Shopify kept one account and deleted the other. Everything
 * of the deleted one moves to the kept one; the deleted row goes. The stricter consent wins
 * unless the kept one's is newer.
 */
export async function mergeCustomers(tx: Tx, scope: ShopScope, keptGid: string, deletedGid: string): Promise<boolean> {
  if (keptGid === deletedGid) return false;
  const [kept, deleted] = await Promise.all([
    tx.customer.findUnique({ where: { shopId_gid: { shopId: scope.shopId, gid: keptGid } } }),
    tx.customer.findUnique({ where: { shopId_gid: { shopId: scope.shopId, gid: deletedGid } } }),
  ]);
  if (!deleted) return false;
  const keptId = kept?.id ?? (await tx.customer.update({ where: { id: deleted.id }, data: { gid: keptGid } })).id;
  if (!kept) return true;
  const moved = { where: { shopId: scope.shopId, customerId: deleted.id }, data: { customerId: keptId } };
  await tx.order.updateMany({ ...moved, data: { customerId: keptId, customerGid: keptGid } });
  await tx.checkout.updateMany(moved);
  await tx.visitor.updateMany(moved);
  await tx.behaviourEvent.updateMany(moved);
  await tx.trigger.updateMany(moved);
  await movePointsToCustomer(tx, scope.shopId, deleted.id, keptId);
  const deletedConsentNewer =
    deleted.emailConsentAt && (!kept.emailConsentAt || deleted.emailConsentAt > kept.emailConsentAt);
  await tx.customer.update({
    where: { id: keptId },
    data: {
      birthDate: kept.birthDate ?? deleted.birthDate,
      ...(deletedConsentNewer
        ? { emailConsent: deleted.emailConsent, emailConsentAt: deleted.emailConsentAt, emailConsentSource: "merge" }
        : {}),
    },
  });
  await tx.customer.delete({ where: { id: deleted.id } });
  await recomputeCustomerRollups(tx, scope, keptId);
  return true;
}

/** customers/delete: the account is gone; orders stay for the reports, the person gets no more mail. */
export async function markCustomerDeleted(tx: Tx, scope: ShopScope, customerGid: string): Promise<boolean> {
  const result = await tx.customer.updateMany({
    where: { shopId: scope.shopId, gid: customerGid, deletedAt: null },
    data: { deletedAt: scope.now },
  });
  return result.count > 0;
}
