// The fixed order of docs/product.md's "Rules every send obeys", re-checked at send time. The order
// matters: a customer without consent is "skipped" before the cap could "defer" them, and the
// holdout comes after every other rule so the control group holds people who would have been
// sent — otherwise lift would compare unlike groups.
import type { RuleResult } from "./rule-result";

export const RULE_ORDER = [
  "scenario_on",
  "consent",
  "exits",
  "frequency_cap",
  "quiet_hours",
  "guard",
  "holdout",
  "exactly_once",
] as const;

export type RuleName = (typeof RULE_ORDER)[number];

export type RuleVerdict = { pass: true } | (Extract<RuleResult, { pass: false }> & { rule: RuleName });

/**
 * Runs the given checks in RULE_ORDER and stops at the first failure; rules without a check
 * (e.g. exactly_once, which is the ledger's unique key) are not evaluated here.
 */
export function firstFailingRule(checks: Partial<Record<RuleName, () => RuleResult>>): RuleVerdict {
  for (const rule of RULE_ORDER) {
    const result = checks[rule]?.();
    if (result && !result.pass) return { ...result, rule };
  }
  return { pass: true };
}
