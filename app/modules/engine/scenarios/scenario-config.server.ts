// A shop's scenario switches and tuning (ScenarioConfig rows). A scenario without a row is off
// with its defaults. The row's `enabled` column is the switch; the settings' own `enabled` is
// kept equal to it, so either can be read.
import type { Db, Tx } from "~/db.server";
import {
  SCENARIO_KEYS,
  applyScenarioAssignments,
  defaultScenarioSettings,
  isScenarioKey,
  parseScenarioSettings,
  type ScenarioKey,
  type ScenarioSettings,
  type SettingError,
} from "~/modules/engine/scenarios/scenario-settings";

export interface ScenarioConfigView<K extends ScenarioKey = ScenarioKey> {
  enabled: boolean;
  settings: ScenarioSettings<K>;
}

export type ScenarioConfigs = { [K in ScenarioKey]: ScenarioConfigView<K> };

export interface ScenarioConfigChange {
  /** turn the scenario on or off; left as it is when undefined */
  enabled?: boolean;
  /** "name=value" with the setting's dotted path, e.g. "secondReminder.enabled=true" */
  assignments?: readonly string[];
}

export type ScenarioConfigUpdate<K extends ScenarioKey = ScenarioKey> =
  { ok: true; config: ScenarioConfigView<K> } | { ok: false; errors: SettingError[] };

function toView<K extends ScenarioKey>(
  key: K,
  row: { enabled: boolean; settings: string } | null,
): ScenarioConfigView<K> {
  if (!row) return { enabled: false, settings: defaultScenarioSettings(key) };
  return { enabled: row.enabled, settings: { ...parseScenarioSettings(key, row.settings), enabled: row.enabled } };
}

/** Every scenario, in priority order; defaults for those never configured. */
export async function getScenarioConfigs(db: Tx, shopId: string): Promise<ScenarioConfigs> {
  const rows = await db.scenarioConfig.findMany({
    where: { shopId },
    select: { key: true, enabled: true, settings: true },
  });
  const byKey = new Map(rows.filter((row) => isScenarioKey(row.key)).map((row) => [row.key, row]));
  return Object.fromEntries(SCENARIO_KEYS.map((key) => [key, toView(key, byKey.get(key) ?? null)])) as ScenarioConfigs;
}

export async function getScenarioConfig<K extends ScenarioKey>(
  db: Tx,
  shopId: string,
  key: K,
): Promise<ScenarioConfigView<K>> {
  const row = await db.scenarioConfig.findUnique({
    where: { shopId_key: { shopId, key } },
    select: { enabled: true, settings: true },
  });
  return toView(key, row);
}

/**
 * Switches and/or retunes one scenario in one transaction (read, validate, upsert on
 * (shopId, key)). Nothing is written unless every assignment and the result are valid.
 * `enabled` wins over an "enabled=…" assignment.
 */
export async function setScenarioConfig<K extends ScenarioKey>(
  db: Db,
  shopId: string,
  key: K,
  change: ScenarioConfigChange,
): Promise<ScenarioConfigUpdate<K>> {
  return db.$transaction(async (tx) => {
    const current = await getScenarioConfig(tx, shopId, key);
    const updated = applyScenarioAssignments(key, current.settings, change.assignments ?? []);
    if (!updated.ok) return { ok: false, errors: updated.errors };
    const enabled = change.enabled ?? updated.settings.enabled;
    const settings: ScenarioSettings<K> = { ...updated.settings, enabled };
    const json = JSON.stringify(settings);
    await tx.scenarioConfig.upsert({
      where: { shopId_key: { shopId, key } },
      create: { shopId, key, enabled, settings: json },
      update: { enabled, settings: json },
    });
    return { ok: true, config: { enabled, settings } };
  });
}
