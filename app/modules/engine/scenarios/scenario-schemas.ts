// Per-scenario settings with docs/product.md's defaults ("Built-in scenarios"), by key. Each schema
// lives in its scenario's folder (app/modules/engine/scenarios/<key>/settings.ts); the shared field
// builders (off by default, shop-local hours, coupons) are in ./scenario-fields.ts.
import { SCENARIO_MODULES, type ScenarioModules } from "~/modules/engine/scenarios/all";
import type { z } from "zod";
import type { ScenarioKey } from "../../platform/settings/scenario-keys";

export type ScenarioSchemas = { [K in ScenarioKey]: ScenarioModules[K]["settings"] };

export const SCENARIO_SCHEMAS = Object.fromEntries(
  Object.entries(SCENARIO_MODULES).map(([key, module]) => [key, module.settings]),
) as ScenarioSchemas;

export type ScenarioSettings<K extends ScenarioKey = ScenarioKey> = z.output<ScenarioSchemas[K]>;
export type ScenarioSettingsByKey = { [K in ScenarioKey]: ScenarioSettings<K> };
