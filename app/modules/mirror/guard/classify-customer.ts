// The customer phases of docs/product.md, as one pure function used by ingestion, the engine,
// the guard and the reports alike.
export type CustomerPhase = "prospect" | "new" | "repeat" | "regular" | "dormant";

export interface PhaseRules {
  /** a customer with at least this many counted orders is a regular */
  regularMinOrders: number;
  /** last order older than this many days → dormant */
  dormantAfterDays: number;
}

export const DEFAULT_PHASE_RULES: PhaseRules = { regularMinOrders: 5, dormantAfterDays: 180 };

export interface PhaseInput {
  ordersCount: number;
  netSpend365: bigint;
  lastOrderAt: Date | null;
}

const DAY_MS = 86_400_000;

/**
 * Dormancy wins over the order-count phases (a lapsed regular needs a win-back, not a
 * loyalty message); regular = top 20% by 365-day net spend (the shop's threshold) or many orders.
 */
export function classifyCustomer(
  input: PhaseInput,
  now: Date,
  regularSpendThreshold: bigint | null,
  rules: PhaseRules = DEFAULT_PHASE_RULES,
): CustomerPhase {
  if (input.ordersCount <= 0) return "prospect";
  if (input.lastOrderAt && now.getTime() - input.lastOrderAt.getTime() > rules.dormantAfterDays * DAY_MS)
    return "dormant";
  const topSpender =
    regularSpendThreshold !== null && regularSpendThreshold > 0n && input.netSpend365 >= regularSpendThreshold;
  if (input.ordersCount >= rules.regularMinOrders || topSpender) return "regular";
  return input.ordersCount === 1 ? "new" : "repeat";
}

/** Anyone with a counted order is not new to the shop: first-purchase offers are not for them. */
export function isProspect(ordersCount: number): boolean {
  return ordersCount <= 0;
}
