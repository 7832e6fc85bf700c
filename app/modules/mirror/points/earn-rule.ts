// What an order is worth in points, as pure arithmetic over exact integers (money is bigint
// milli-units). The ledger books the difference between this target and what it already booked
// for the order, so the balance depends only on the order's final state, never on the order or
// number of the webhooks that brought it (docs/points.md).

export interface EarnRate {
  /** points earned per `perCurrencyUnits` whole units of the shop currency */
  earnPoints: number;
  perCurrencyUnits: number;
}

const MILLI = 1000n;

/**
 * The most one order earns. Ledger entries are 32-bit integers on PostgreSQL: an extreme but
 * valid order (a trillion yen at 1000 points per yen) must be booked, not retried forever.
 */
export const MAX_POINTS_PER_ORDER = 100_000_000;

/** Points for an amount: floor(amount × earnPoints / perCurrencyUnits), amount in milli-units, at most MAX_POINTS_PER_ORDER. */
export function pointsForAmount(amountMilli: bigint, rate: EarnRate): number {
  if (amountMilli <= 0n) return 0;
  const points = (amountMilli * BigInt(rate.earnPoints)) / (BigInt(rate.perCurrencyUnits) * MILLI);
  return points > BigInt(MAX_POINTS_PER_ORDER) ? MAX_POINTS_PER_ORDER : Number(points);
}

export interface OrderPointsState {
  paid: boolean;
  cancelled: boolean;
  /** voided, test, deleted, or without a customer: never earns */
  excluded: boolean;
  totalPrice: bigint;
  totalRefunded: bigint;
}

/**
 * The points the order should hold now: its base (fixed when first booked) scaled by the share of
 * the money that was kept. The customer keeps the floor, so a refund reverses the rounding too.
 */
export function orderTargetPoints(base: number, order: OrderPointsState): number {
  if (!order.paid || order.cancelled || order.excluded || base <= 0) return 0;
  if (order.totalPrice <= 0n) return base;
  const kept = order.totalPrice - order.totalRefunded;
  if (kept <= 0n) return 0;
  if (kept >= order.totalPrice) return base;
  return Number((BigInt(base) * kept) / order.totalPrice);
}
