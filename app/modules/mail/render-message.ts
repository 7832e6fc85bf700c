// The engine's entry point for content: pick the scenario's template and render it in the
// recipient's language.
import { TEMPLATES, type TemplateScenarioKey } from "./templates/registry";
import type { Locale, RenderedMessage, TemplateContext } from "./templates/types";

export { hasTemplate, TEMPLATE_SCENARIOS, type TemplateScenarioKey } from "./templates/registry";
export { SenderIdentityMissingError, UnsubscribeLinkMissingError } from "./templates/errors";
export type * from "./templates/types";

export function renderMessage(scenarioKey: TemplateScenarioKey, ctx: TemplateContext): RenderedMessage {
  const template = TEMPLATES[scenarioKey];
  if (!template) throw new Error(`no template for scenario ${String(scenarioKey)}`);
  return template(ctx);
}

/** The customer's locale when known, else the shop's: Japanese for any "ja…" tag, English otherwise. */
export function chooseLocale(customerLocale: string | null | undefined, shopLocale: string | null | undefined): Locale {
  const tag = customerLocale?.trim() || shopLocale?.trim() || "";
  return tag.toLowerCase().startsWith("ja") ? "ja" : "en";
}
