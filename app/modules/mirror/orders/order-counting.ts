/**
 * An order counts (for phases, rollups and reports) when it is not cancelled, not voided,
 * not a test, and not fully refunded. Voided orders never collected money.
 */
export function isCountedOrder(order: {
  cancelledAt: Date | null;
  financialStatus: string | null;
  test: boolean;
  totalPrice: bigint;
  totalRefunded: bigint;
}): boolean {
  if (order.cancelledAt || order.test) return false;
  const status = order.financialStatus?.toLowerCase() ?? null;
  if (status === "voided" || status === "refunded") return false;
  return !(order.totalPrice > 0n && order.totalRefunded >= order.totalPrice);
}

const PAID_STATUSES = new Set(["paid", "partially_refunded", "refunded", "partially_paid"]);
export function isPaidStatus(status: string | null): boolean {
  return status !== null && PAID_STATUSES.has(status.toLowerCase());
}
