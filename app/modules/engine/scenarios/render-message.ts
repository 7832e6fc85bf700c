// The engine's entry point for content: pick the scenario's template (template.ts in its folder,
// app/modules/engine/scenarios/<key>/) and render it in the recipient's language.
import { SCENARIO_MODULES } from "~/modules/engine/scenarios/all";
import { SCENARIO_KEYS, type ScenarioKey } from "~/modules/platform/settings/scenario-keys";
import type { RenderedMessage, TemplateContext } from "~/modules/delivery/mail/templates/types";

/** Every scenario has a template (all.ts will not compile otherwise). */
export const TEMPLATE_SCENARIOS = SCENARIO_KEYS;
export type TemplateScenarioKey = ScenarioKey;

export function hasTemplate(scenarioKey: string): scenarioKey is TemplateScenarioKey {
  return (TEMPLATE_SCENARIOS as readonly string[]).includes(scenarioKey);
}

export function renderMessage(scenarioKey: TemplateScenarioKey, ctx: TemplateContext): RenderedMessage {
  const template = (
    SCENARIO_MODULES as Partial<Record<string, { template: (ctx: TemplateContext) => RenderedMessage }>>
  )[scenarioKey]?.template;
  if (!template) throw new Error(`no template for scenario ${String(scenarioKey)}`);
  return template(ctx);
}
