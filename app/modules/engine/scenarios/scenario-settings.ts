// Reading and changing one scenario's settings (stored as JSON per scenario). Assignments use the
// setting's dotted path: applyScenarioAssignments("cart_abandonment", s, ["secondReminder.enabled=true"]).
import { getAtPath, leafPaths, parseLike, setAtPath, splitAssignment } from "../../platform/settings/assignments";
import { SCENARIO_SCHEMAS, type ScenarioSettings, type ScenarioSettingsByKey } from "./scenario-schemas";
import { issuesToErrors, type SettingError } from "../../platform/settings/setting-errors";
import { deepMerge, parseWithDefaults } from "../../platform/settings/settings-json";
import type { SettingsUpdate } from "../../platform/settings/shop-settings-schema";
import { SCENARIO_KEYS, type ScenarioKey } from "../../platform/settings/scenario-keys";

export {
  SCENARIO_KEYS,
  isScenarioKey,
  scenarioPriority,
  type ScenarioKey,
} from "../../platform/settings/scenario-keys";
export { SCENARIO_SCHEMAS, type ScenarioSettings, type ScenarioSettingsByKey } from "./scenario-schemas";
export { INCENTIVE_AUDIENCES, INCENTIVE_KINDS, type Incentive } from "../../platform/settings/incentive";
export type { SettingError } from "../../platform/settings/setting-errors";
export type { SettingsUpdate } from "../../platform/settings/shop-settings-schema";

export function defaultScenarioSettings<K extends ScenarioKey>(key: K): ScenarioSettings<K> {
  return SCENARIO_SCHEMAS[key].parse({}) as ScenarioSettings<K>;
}

export const DEFAULT_SCENARIO_SETTINGS: ScenarioSettingsByKey = Object.fromEntries(
  SCENARIO_KEYS.map((key) => [key, defaultScenarioSettings(key)]),
) as ScenarioSettingsByKey;

/** Never throws: unreadable JSON gives the defaults, an invalid field its default. */
export function parseScenarioSettings<K extends ScenarioKey>(key: K, json: string): ScenarioSettings<K> {
  return parseWithDefaults(SCENARIO_SCHEMAS[key], json) as ScenarioSettings<K>;
}

/** Applies a partial update (objects merge, arrays replace); nothing changes unless all is valid. */
export function updateScenarioSettings<K extends ScenarioKey>(
  key: K,
  current: ScenarioSettings<K>,
  patch: unknown,
): SettingsUpdate<ScenarioSettings<K>> {
  const result = SCENARIO_SCHEMAS[key].safeParse(deepMerge(current, patch));
  if (!result.success) return { ok: false, errors: issuesToErrors(result.error.issues) };
  return { ok: true, settings: result.data as ScenarioSettings<K> };
}

/** The assignable names of a scenario ("delayMinutes", "secondReminder.enabled", …). */
export function scenarioSettingNames(key: ScenarioKey): string[] {
  return leafPaths(defaultScenarioSettings(key));
}

export function applyScenarioAssignments<K extends ScenarioKey>(
  key: K,
  settings: ScenarioSettings<K>,
  assignments: readonly string[],
): SettingsUpdate<ScenarioSettings<K>> {
  const known = scenarioSettingNames(key);
  const errors: SettingError[] = [];
  let patch: unknown = {};
  for (const assignment of assignments) {
    const split = splitAssignment(assignment);
    if (!split.ok) {
      errors.push({ field: assignment, message: split.message });
      continue;
    }
    if (!known.includes(split.name)) {
      errors.push({ field: split.name, message: `unknown setting for ${key}; known: ${known.join(", ")}` });
      continue;
    }
    const path = split.name.split(".");
    const parsed = parseLike(getAtPath(settings, path), split.value);
    if (parsed.ok) patch = setAtPath(patch, path, parsed.value);
    else errors.push({ field: split.name, message: parsed.message });
  }
  if (errors.length > 0) return { ok: false, errors };
  return updateScenarioSettings(key, settings, patch);
}
