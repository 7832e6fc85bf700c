// The scenarios the engine runs, by key. The rest of docs/product.md's catalogue joins here as each
// one is built (one module per scenario).
import type { ScenarioKey } from "~/modules/settings/scenario-settings";
import { backInStock } from "./back-in-stock.server";
import { birthday } from "./birthday.server";
import { browseAbandonment } from "./browse-abandonment.server";
import { cartAbandonment } from "./cart-abandonment.server";
import { pointsExpiry } from "./points-expiry.server";
import { pointsStatement } from "./points-statement.server";
import { recommendations } from "./recommendations.server";
import { replenishment } from "./replenishment.server";
import type { ScenarioDefinition } from "./scenario-definition";
import { secondPurchase } from "./second-purchase.server";
import { welcome } from "./welcome.server";
import { winback } from "./winback.server";

type AnyScenario = { [K in ScenarioKey]: ScenarioDefinition<K> }[ScenarioKey];

export const SCENARIOS: Partial<Record<ScenarioKey, AnyScenario>> = {
  cart_abandonment: cartAbandonment,
  browse_abandonment: browseAbandonment,
  welcome,
  points_statement: pointsStatement,
  points_expiry: pointsExpiry,
  birthday,
  winback,
  back_in_stock: backInStock,
  recommendations,
  second_purchase: secondPurchase,
  replenishment,
};
