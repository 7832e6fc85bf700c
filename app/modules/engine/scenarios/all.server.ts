// The engine's half of every scenario's folder: who is due and when (plan), what stops a row at
// send time (exits), and what its email shows (contents). Complete by type, like all.ts: a key
// without a definition does not compile, and each definition is checked against its folder's
// settings and data schemas.
import { definition as backInStock } from "./back-in-stock/definition.server";
import { definition as birthday } from "./birthday/definition.server";
import { definition as browseAbandonment } from "./browse-abandonment/definition.server";
import { definition as cartAbandonment } from "./cart-abandonment/definition.server";
import { definition as pointsExpiry } from "./points-expiry/definition.server";
import { definition as pointsStatement } from "./points-statement/definition.server";
import { definition as recommendations } from "./recommendations/definition.server";
import { definition as replenishment } from "./replenishment/definition.server";
import { definition as secondPurchase } from "./second-purchase/definition.server";
import { definition as welcome } from "./welcome/definition.server";
import { definition as winback } from "./winback/definition.server";
import type { ScenarioDefinition } from "./scenario-definition";
import type { ScenarioKey } from "~/modules/platform/settings/scenario-keys";

// Listed in the order the engine plans them (unchanged from before the folders).
export const SCENARIO_DEFINITIONS = {
  cart_abandonment: cartAbandonment,
  browse_abandonment: browseAbandonment,
  welcome: welcome,
  points_statement: pointsStatement,
  points_expiry: pointsExpiry,
  birthday: birthday,
  winback: winback,
  back_in_stock: backInStock,
  recommendations: recommendations,
  second_purchase: secondPurchase,
  replenishment: replenishment,
} satisfies { [K in ScenarioKey]: ScenarioDefinition<K> };

export function scenarioDefinition<K extends ScenarioKey>(key: K): ScenarioDefinition<K> {
  return SCENARIO_DEFINITIONS[key] as ScenarioDefinition<K>;
}
