// What a scenario's folder (app/modules/engine/scenarios/<key>/) provides besides its engine definition;
// all.ts lists one per ScenarioKey. See docs/add-a-scenario.md.
import type { z } from "zod";
import type { ScenarioWords } from "~/i18n/scenario-words";
import type { Template } from "~/modules/delivery/mail/templates/types";
import type { ScenarioKey } from "~/modules/platform/settings/scenario-keys";
import type { ScenarioDataSchemas } from "./scenario-data";

export interface ScenarioModule<K extends ScenarioKey> {
  key: K;
  /** settings.ts: its settings with docs/product.md's defaults, off by default */
  settings: z.ZodType;
  /** template.ts: its email in English and Japanese */
  template: Template;
  /** words.ts: its name and description in English and Japanese */
  words: ScenarioWords;
  /** data.ts: what its ledger rows store and what its template is given */
  data: ScenarioDataSchemas<z.ZodType, z.ZodObject>;
}
