import { RULE_ORDER, firstFailingRule, type RuleResult } from "~/modules/engine/rules";

const skip = (reason: string): RuleResult => ({ pass: false, outcome: "skipped", reason });
const pass = (): RuleResult => ({ pass: true });

describe("RULE_ORDER", () => {
  test("is docs/product.md's fixed order", () => {
    expect(RULE_ORDER).toEqual(["scenario_on", "consent", "exits", "frequency_cap", "quiet_hours", "guard", "holdout", "exactly_once"]);
  });
});

describe("firstFailingRule", () => {
  test("passes when every check passes (or none is given)", () => {
    expect(firstFailingRule({})).toEqual({ pass: true });
    expect(firstFailingRule({ consent: pass, holdout: pass })).toEqual({ pass: true });
  });

  test("reports the first failure in rule order, not in the order the checks were written", () => {
    const verdict = firstFailingRule({
      holdout: () => ({ pass: false, outcome: "held_out", reason: "control group" }),
      quiet_hours: () => ({ pass: false, outcome: "deferred", reason: "quiet", until: new Date(0) }),
      consent: pass,
    });
    expect(verdict).toEqual({ pass: false, outcome: "deferred", reason: "quiet", until: new Date(0), rule: "quiet_hours" });
  });

  test("stops at the first failure without running later checks", () => {
    const later = vi.fn(pass);
    expect(firstFailingRule({ consent: () => skip("email consent is UNSUBSCRIBED"), frequency_cap: later, holdout: later })).toMatchObject({ rule: "consent" });
    expect(later).not.toHaveBeenCalled();
  });
});
