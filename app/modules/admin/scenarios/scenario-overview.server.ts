// The Scenarios page: every scenario of the catalogue in priority order with its switch, whether
// the engine can run it yet, and its last 30 days from the ledger. Generic over the scenario lists
// (all.ts, all.server.ts), so a scenario added there appears here without page changes.
import type { Tx } from "~/db.server";
import { formatLocalDate, localDate } from "~/modules/platform/time/local-dates";
import { resolveReportRange } from "~/modules/reports/range.server";
import { getScenarioReport } from "~/modules/reports/scenario-reports.server";
import type { LiftEstimate } from "~/modules/reports/types";
import { hasTemplate } from "~/modules/engine/scenarios/render-message";
import { SCENARIO_KEYS, type ScenarioKey } from "~/modules/engine/scenarios/scenario-settings";
import { isSenderIdentityComplete } from "~/modules/platform/settings/shop-settings";
import { getShopSettings } from "~/modules/platform/settings/shop-settings.server";
import { SCENARIO_DEFINITIONS } from "../../engine/scenarios/all.server";
import { getScenarioConfigs } from "../../engine/scenarios/scenario-config.server";
import { EMPTY_RESULTS, scenarioResultsSince, type ScenarioResults } from "./scenario-results.server";

export const RESULTS_WINDOW_DAYS = 30;

/**
 * running: on and sending · blocked: on, but no email can go out until the sender identity is
 * complete · off · unavailable: the engine has no module for it yet (its switch is kept).
 */
export type ScenarioStatus = "running" | "blocked" | "off" | "unavailable";

export interface ScenarioOverview {
  key: ScenarioKey;
  enabled: boolean;
  /** the engine has a module for it (all.server.ts) */
  available: boolean;
  /** an email template exists, so it can be previewed and test-sent */
  previewable: boolean;
  status: ScenarioStatus;
  results: ScenarioResults;
  /** orders and revenue from its clicks (last click) and its lift over the held-out customers, as on the Reports page */
  effect: { attributedOrders: number; attributedRevenue: number; lift: LiftEstimate | null };
}

export function isScenarioAvailable(key: ScenarioKey): boolean {
  return (SCENARIO_DEFINITIONS as Partial<Record<string, unknown>>)[key] !== undefined;
}

export function scenarioStatus(enabled: boolean, available: boolean, senderComplete: boolean): ScenarioStatus {
  if (!available) return "unavailable";
  if (!enabled) return "off";
  return senderComplete ? "running" : "blocked";
}

export async function listScenarioOverview(
  db: Tx,
  shopId: string,
  now: Date,
): Promise<{ scenarios: ScenarioOverview[]; senderComplete: boolean }> {
  const since = new Date(now.getTime() - RESULTS_WINDOW_DAYS * 86_400_000);
  const [configs, results, { settings, timezone }] = await Promise.all([
    getScenarioConfigs(db, shopId),
    scenarioResultsSince(db, shopId, since),
    getShopSettings(db, shopId),
  ]);
  // the same window in shop-local days, for the report's attribution and lift
  const range = await resolveReportRange(db, shopId, {
    from: formatLocalDate(localDate(since, timezone)),
    to: formatLocalDate(localDate(now, timezone)),
    now,
  });
  const report = await getScenarioReport(db, shopId, range);
  const effects = new Map(report.scenarios.map((e) => [e.key, e]));
  const senderComplete = isSenderIdentityComplete(settings);
  const scenarios = SCENARIO_KEYS.map((key): ScenarioOverview => {
    const available = isScenarioAvailable(key);
    const enabled = configs[key].enabled;
    return {
      key,
      enabled,
      available,
      previewable: hasTemplate(key),
      status: scenarioStatus(enabled, available, senderComplete),
      results: results[key] ?? { ...EMPTY_RESULTS },
      effect: {
        attributedOrders: effects.get(key)?.attributedOrders ?? 0,
        attributedRevenue: effects.get(key)?.attributedRevenue ?? 0,
        lift: effects.get(key)?.lift ?? null,
      },
    };
  });
  return { scenarios, senderComplete };
}
