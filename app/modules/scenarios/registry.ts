// The scenarios the engine runs, by key. The rest of PRODUCT.md's catalogue joins here as each
// one is built (one module per scenario).
import type { ScenarioKey } from "~/modules/settings/scenario-settings";
import { browseAbandonment } from "./browse-abandonment.server";
import { cartAbandonment } from "./cart-abandonment.server";
import type { ScenarioDefinition } from "./scenario-definition";
import { welcome } from "./welcome.server";

type AnyScenario = { [K in ScenarioKey]: ScenarioDefinition<K> }[ScenarioKey];

export const SCENARIOS: Partial<Record<ScenarioKey, AnyScenario>> = {
  cart_abandonment: cartAbandonment,
  browse_abandonment: browseAbandonment,
  welcome,
};
