import { browseAbandonment } from "./browse-abandonment";
import { cartAbandonment } from "./cart-abandonment";
import type { Template } from "./types";
import { welcome } from "./welcome";

export const TEMPLATE_SCENARIOS = ["cart_abandonment", "browse_abandonment", "welcome"] as const;
export type TemplateScenarioKey = (typeof TEMPLATE_SCENARIOS)[number];

export const TEMPLATES: Record<TemplateScenarioKey, Template> = {
  cart_abandonment: cartAbandonment,
  browse_abandonment: browseAbandonment,
  welcome,
};

export function hasTemplate(scenarioKey: string): scenarioKey is TemplateScenarioKey {
  return (TEMPLATE_SCENARIOS as readonly string[]).includes(scenarioKey);
}
