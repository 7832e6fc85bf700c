import type { Tx } from "~/db.server";
import type { NormalizedRefund, ShopScope } from "~/modules/mirror/types";
import { syncOrderPoints } from "~/modules/mirror/points/points-ledger.server";
import { isCountedOrder } from "./order-counting";

/**
 * Records a refund once (keyed by its GID) and re-derives the order's refunded total,
 * refunded line quantities and counted flag from all refunds held.
 */
export async function recordRefund(
  tx: Tx,
  scope: ShopScope,
  orderId: string,
  refund: NormalizedRefund,
): Promise<boolean> {
  const exists = await tx.refund.findUnique({
    where: { shopId_gid: { shopId: scope.shopId, gid: refund.gid } },
    select: { id: true },
  });
  if (exists) return false;
  await tx.refund.create({
    data: {
      shopId: scope.shopId,
      orderId,
      gid: refund.gid,
      amount: refund.amount,
      lines: JSON.stringify(refund.lines),
      note: refund.note,
      refundedAt: refund.createdAt,
    },
  });
  await reconcileOrderRefunds(tx, scope, orderId);
  // one reversal entry per refund, keyed by the refund
  await syncOrderPoints(tx, scope, { orderId });
  return true;
}

export async function reconcileOrderRefunds(tx: Tx, scope: ShopScope, orderId: string): Promise<{ counted: boolean }> {
  const [order, refunds, lines] = await Promise.all([
    tx.order.findUniqueOrThrow({ where: { id: orderId } }),
    tx.refund.findMany({ where: { shopId: scope.shopId, orderId }, select: { amount: true, lines: true } }),
    tx.orderLine.findMany({ where: { orderId }, select: { id: true, gid: true, refundedQuantity: true } }),
  ]);
  const totalRefunded = refunds.reduce((sum, r) => sum + r.amount, 0n);
  const refundedByLine = new Map<string, number>();
  for (const r of refunds) {
    for (const line of JSON.parse(r.lines) as { lineGid: string; quantity: number }[]) {
      refundedByLine.set(line.lineGid, (refundedByLine.get(line.lineGid) ?? 0) + line.quantity);
    }
  }
  for (const line of lines) {
    const refunded = refundedByLine.get(line.gid) ?? 0;
    if (refunded !== line.refundedQuantity) {
      await tx.orderLine.update({ where: { id: line.id }, data: { refundedQuantity: refunded } });
    }
  }
  const counted = isCountedOrder({ ...order, totalRefunded });
  if (counted !== order.counted || totalRefunded !== order.totalRefunded) {
    await tx.order.update({ where: { id: orderId }, data: { totalRefunded, counted } });
  }
  return { counted };
}
