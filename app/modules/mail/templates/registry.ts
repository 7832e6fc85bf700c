import { backInStock } from "./back-in-stock";
import { birthday } from "./birthday";
import { browseAbandonment } from "./browse-abandonment";
import { cartAbandonment } from "./cart-abandonment";
import { pointsExpiry } from "./points-expiry";
import { pointsStatement } from "./points-statement";
import { recommendations } from "./recommendations";
import { replenishment } from "./replenishment";
import { secondPurchase } from "./second-purchase";
import type { Template } from "./types";
import { welcome } from "./welcome";
import { winback } from "./winback";

export const TEMPLATE_SCENARIOS = ["cart_abandonment", "browse_abandonment", "welcome", "points_statement", "points_expiry", "birthday", "winback", "back_in_stock", "recommendations", "second_purchase", "replenishment"] as const;
export type TemplateScenarioKey = (typeof TEMPLATE_SCENARIOS)[number];

export const TEMPLATES: Record<TemplateScenarioKey, Template> = {
  cart_abandonment: cartAbandonment,
  browse_abandonment: browseAbandonment,
  welcome,
  points_statement: pointsStatement,
  points_expiry: pointsExpiry,
  birthday,
  winback,
  back_in_stock: backInStock,
  recommendations,
  second_purchase: secondPurchase,
  replenishment,
};

export function hasTemplate(scenarioKey: string): scenarioKey is TemplateScenarioKey {
  return (TEMPLATE_SCENARIOS as readonly string[]).includes(scenarioKey);
}
