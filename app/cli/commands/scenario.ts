// `scenario --shop <domain> <key> [on|off] [--set name=value ...]`: switch and tune one scenario.
// The work is in runScenario (takes the db) so tests call it directly.
import { getDb, type Db } from "~/db.server";
import { getScenarioConfig, setScenarioConfig } from "~/modules/engine/scenarios/scenario-config.server";
import {
  SCENARIO_KEYS,
  isScenarioKey,
  scenarioSettingNames,
  type ScenarioKey,
  type ScenarioSettings,
} from "~/modules/engine/scenarios/scenario-settings";
import { senderIdentityProblems } from "~/modules/platform/settings/shop-settings";
import { findShopByDomain, getShopSettings } from "~/modules/platform/settings/shop-settings.server";
import { requireString } from "../output";
import type { Command } from "./index";
import { describeErrors, finish, refuse, stringList, type CliResult } from "./settings";

export interface ScenarioView {
  key: ScenarioKey;
  enabled: boolean;
  settings: ScenarioSettings;
}

const KEYS_TEXT = SCENARIO_KEYS.join(", ");

/** positionals: [key, "on" | "off" (optional)]; without on|off and --set it only shows the scenario. */
export async function runScenario(
  db: Db,
  domain: string,
  positionals: readonly string[],
  assignments: readonly string[],
): Promise<CliResult<ScenarioView>> {
  const [key, state, ...extra] = positionals;
  if (!key) return refuse(`give the scenario key, one of: ${KEYS_TEXT}`);
  if (!isScenarioKey(key)) return refuse(`unknown scenario "${key}"; valid keys: ${KEYS_TEXT}`);
  if (state !== undefined && state !== "on" && state !== "off")
    return refuse(`expected on or off after ${key}, got "${state}"`);
  if (extra.length > 0) return refuse(`unexpected argument "${extra[0]}" (settings go in --set name=value)`);

  const shop = await findShopByDomain(db, domain);
  const notes: string[] = [];
  let config;
  if (state === undefined && assignments.length === 0) {
    config = await getScenarioConfig(db, shop.id, key);
  } else {
    const result = await setScenarioConfig(db, shop.id, key, {
      enabled: state === undefined ? undefined : state === "on",
      assignments,
    });
    if (!result.ok) {
      return refuse(
        `nothing saved:\n${describeErrors(result.errors)}\n${key} settings: ${scenarioSettingNames(key).join(", ")}`,
      );
    }
    config = result.config;
    notes.push(`saved ${key} for ${domain} (${config.enabled ? "on" : "off"})`);
  }
  if (config.enabled) {
    const problems = senderIdentityProblems((await getShopSettings(db, shop.id)).settings, "en");
    if (problems.length > 0)
      notes.push(
        `${key} is on, but no marketing email goes out until the sender identity is complete (npm run joren -- settings --help)`,
      );
  }
  return { ok: true, output: { key, enabled: config.enabled, settings: config.settings }, notes };
}

export const scenarioCommand: Command = {
  usage: "scenario --shop <domain> <key> on|off [--set name=value ...]",
  summary: "turn a scenario on or off and tune it; prints { key, enabled, settings } as JSON",
  help: [
    "",
    "on|off may be left out to change only settings, or (with no --set either) just to show the scenario.",
    "--set repeats and uses the setting's dotted name, e.g. --set delayMinutes=30 --set secondReminder.enabled=true",
    "Everything is validated together: on any error nothing is saved and the exit code is 2.",
    "",
    "Scenarios (priority order) and their settings:",
    ...SCENARIO_KEYS.map((key) => `  ${key.padEnd(20)} ${scenarioSettingNames(key).join(", ")}`),
  ].join("\n"),
  options: { shop: { type: "string" }, set: { type: "string", multiple: true } },
  async run(values, positionals) {
    const domain = requireString(values, "shop", "the shop's myshopify.com domain");
    return finish("scenario", await runScenario(await getDb(), domain, positionals, stringList(values, "set")));
  },
};
