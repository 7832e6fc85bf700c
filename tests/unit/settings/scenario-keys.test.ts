import { SCENARIO_KEYS, isScenarioKey, scenarioPriority } from "~/modules/platform/settings/scenario-keys";

describe("SCENARIO_KEYS / scenarioPriority", () => {
  test("follow docs/product.md's priority order", () => {
    expect(SCENARIO_KEYS).toEqual([
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
    ]);
  });

  test("lower number = more important, 1 to 11", () => {
    expect(SCENARIO_KEYS.map(scenarioPriority)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(scenarioPriority("cart_abandonment")).toBeLessThan(scenarioPriority("browse_abandonment"));
    expect(scenarioPriority("winback")).toBeLessThan(scenarioPriority("welcome"));
    expect(scenarioPriority("points_statement")).toBeLessThan(scenarioPriority("recommendations"));
  });

  test("isScenarioKey", () => {
    expect(isScenarioKey("welcome")).toBe(true);
    expect(isScenarioKey("newsletter")).toBe(false);
    expect(isScenarioKey("")).toBe(false);
  });
});
