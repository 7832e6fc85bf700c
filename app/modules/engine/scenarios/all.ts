// Every built-in scenario, one line each, in no particular order (the priority order is
// SCENARIO_KEYS in app/modules/platform/settings/scenario-keys.ts). Each line is the scenario's folder:
// its settings schema, email template, words and data schemas (docs/add-a-scenario.md). The
// `satisfies` makes the list complete by type: a key without its folder, or a folder missing a
// piece, does not compile. The engine's half of each folder (definition.server.ts) is listed in
// all.server.ts, so this list stays safe to import from the admin's browser code.
import { data as backInStockData } from "./back-in-stock/data";
import { settings as backInStockSettings } from "./back-in-stock/settings";
import { template as backInStockTemplate } from "./back-in-stock/template";
import { words as backInStockWords } from "./back-in-stock/words";
import { data as birthdayData } from "./birthday/data";
import { settings as birthdaySettings } from "./birthday/settings";
import { template as birthdayTemplate } from "./birthday/template";
import { words as birthdayWords } from "./birthday/words";
import { data as browseAbandonmentData } from "./browse-abandonment/data";
import { settings as browseAbandonmentSettings } from "./browse-abandonment/settings";
import { template as browseAbandonmentTemplate } from "./browse-abandonment/template";
import { words as browseAbandonmentWords } from "./browse-abandonment/words";
import { data as cartAbandonmentData } from "./cart-abandonment/data";
import { settings as cartAbandonmentSettings } from "./cart-abandonment/settings";
import { template as cartAbandonmentTemplate } from "./cart-abandonment/template";
import { words as cartAbandonmentWords } from "./cart-abandonment/words";
import { data as pointsExpiryData } from "./points-expiry/data";
import { settings as pointsExpirySettings } from "./points-expiry/settings";
import { template as pointsExpiryTemplate } from "./points-expiry/template";
import { words as pointsExpiryWords } from "./points-expiry/words";
import { data as pointsStatementData } from "./points-statement/data";
import { settings as pointsStatementSettings } from "./points-statement/settings";
import { template as pointsStatementTemplate } from "./points-statement/template";
import { words as pointsStatementWords } from "./points-statement/words";
import { data as recommendationsData } from "./recommendations/data";
import { settings as recommendationsSettings } from "./recommendations/settings";
import { template as recommendationsTemplate } from "./recommendations/template";
import { words as recommendationsWords } from "./recommendations/words";
import { data as replenishmentData } from "./replenishment/data";
import { settings as replenishmentSettings } from "./replenishment/settings";
import { template as replenishmentTemplate } from "./replenishment/template";
import { words as replenishmentWords } from "./replenishment/words";
import { data as secondPurchaseData } from "./second-purchase/data";
import { settings as secondPurchaseSettings } from "./second-purchase/settings";
import { template as secondPurchaseTemplate } from "./second-purchase/template";
import { words as secondPurchaseWords } from "./second-purchase/words";
import { data as welcomeData } from "./welcome/data";
import { settings as welcomeSettings } from "./welcome/settings";
import { template as welcomeTemplate } from "./welcome/template";
import { words as welcomeWords } from "./welcome/words";
import { data as winbackData } from "./winback/data";
import { settings as winbackSettings } from "./winback/settings";
import { template as winbackTemplate } from "./winback/template";
import { words as winbackWords } from "./winback/words";
import type { z } from "zod";
import type { ScenarioModule } from "./scenario-module";
import type { ScenarioKey } from "~/modules/platform/settings/scenario-keys";

export const SCENARIO_MODULES = {
  cart_abandonment: {
    key: "cart_abandonment",
    settings: cartAbandonmentSettings,
    template: cartAbandonmentTemplate,
    words: cartAbandonmentWords,
    data: cartAbandonmentData,
  },
  browse_abandonment: {
    key: "browse_abandonment",
    settings: browseAbandonmentSettings,
    template: browseAbandonmentTemplate,
    words: browseAbandonmentWords,
    data: browseAbandonmentData,
  },
  back_in_stock: {
    key: "back_in_stock",
    settings: backInStockSettings,
    template: backInStockTemplate,
    words: backInStockWords,
    data: backInStockData,
  },
  birthday: {
    key: "birthday",
    settings: birthdaySettings,
    template: birthdayTemplate,
    words: birthdayWords,
    data: birthdayData,
  },
  points_expiry: {
    key: "points_expiry",
    settings: pointsExpirySettings,
    template: pointsExpiryTemplate,
    words: pointsExpiryWords,
    data: pointsExpiryData,
  },
  second_purchase: {
    key: "second_purchase",
    settings: secondPurchaseSettings,
    template: secondPurchaseTemplate,
    words: secondPurchaseWords,
    data: secondPurchaseData,
  },
  replenishment: {
    key: "replenishment",
    settings: replenishmentSettings,
    template: replenishmentTemplate,
    words: replenishmentWords,
    data: replenishmentData,
  },
  winback: {
    key: "winback",
    settings: winbackSettings,
    template: winbackTemplate,
    words: winbackWords,
    data: winbackData,
  },
  welcome: {
    key: "welcome",
    settings: welcomeSettings,
    template: welcomeTemplate,
    words: welcomeWords,
    data: welcomeData,
  },
  points_statement: {
    key: "points_statement",
    settings: pointsStatementSettings,
    template: pointsStatementTemplate,
    words: pointsStatementWords,
    data: pointsStatementData,
  },
  recommendations: {
    key: "recommendations",
    settings: recommendationsSettings,
    template: recommendationsTemplate,
    words: recommendationsWords,
    data: recommendationsData,
  },
} satisfies { [K in ScenarioKey]: ScenarioModule<K> };

export type ScenarioModules = typeof SCENARIO_MODULES;

/**
 * A ledger row's stored data (Message.data, JSON) read with its scenario's row schema. Rows the
 * scenario itself planned always parse; anything else is reported, never guessed at.
 */
export function parseRowData<K extends ScenarioKey>(
  key: K,
  json: string,
): { ok: true; data: z.output<ScenarioModules[K]["data"]["row"]> } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, reason: "its stored trigger data is not JSON" };
  }
  const parsed = (SCENARIO_MODULES[key].data.row as z.ZodType).safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      reason: `its stored trigger data does not match the ${key} scenario's: ${parsed.error.issues.map((i) => `${i.path.join(".") || "data"} ${i.message}`).join("; ")}`,
    };
  return { ok: true, data: parsed.data as z.output<ScenarioModules[K]["data"]["row"]> };
}
