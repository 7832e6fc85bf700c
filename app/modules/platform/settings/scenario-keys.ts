// The built-in scenarios in docs/product.md's priority order: when two compete for the frequency cap,
// the one listed first wins (cart > browse > back-in-stock > birthday > points-expiry >
// second-purchase > replenishment > winback > welcome > points-statement > recommendations).
export const SCENARIO_KEYS = [
  "cart_abandonment",
  "browse_abandonment",
  "back_in_stock",
  "birthday",
  "points_expiry",
  "second_purchase",
  "replenishment",
  "winback",
  "welcome",
  "points_statement",
  "recommendations",
] as const;

export type ScenarioKey = (typeof SCENARIO_KEYS)[number];

export function isScenarioKey(value: string): value is ScenarioKey {
  return (SCENARIO_KEYS as readonly string[]).includes(value);
}

/** 1 for the most important scenario; lower numbers win the frequency cap. */
export function scenarioPriority(key: ScenarioKey): number {
  return SCENARIO_KEYS.indexOf(key) + 1;
}
