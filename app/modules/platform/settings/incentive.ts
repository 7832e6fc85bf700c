// What a scenario's email may offer. `audience: first_purchase` is guarded: only prospects get it,
// everyone else the shop's loyalty variant (docs/product.md, "The new-vs-repeat discount guard").
import { z } from "zod";
import { oneOf, wholeNumber } from "./setting-fields";

export const INCENTIVE_AUDIENCES = ["first_purchase", "loyalty", "anyone"] as const;
export const INCENTIVE_KINDS = ["percent", "amount", "points", "none"] as const;

export interface Incentive {
  audience: (typeof INCENTIVE_AUDIENCES)[number];
  /** percent off · amount off (shop currency) · bonus points · nothing */
  kind: (typeof INCENTIVE_KINDS)[number];
  value: number;
  /** the unique code's lifetime */
  expiresDays: number;
}

export const NO_INCENTIVE: Incentive = { audience: "anyone", kind: "none", value: 0, expiresDays: 14 };

/** Every field defaults to the scenario's own default, so one bad field does not lose the rest. */
export function incentiveSchema(defaults: Incentive) {
  return z
    .strictObject({
      audience: oneOf(INCENTIVE_AUDIENCES).default(defaults.audience),
      kind: oneOf(INCENTIVE_KINDS).default(defaults.kind),
      value: z.number({ error: "must be a number" }).min(0, { error: "must not be negative" }).default(defaults.value),
      expiresDays: wholeNumber(1, 365, "days").default(defaults.expiresDays),
    })
    .superRefine((incentive, ctx) => {
      const { kind, value } = incentive;
      const bad = (message: string) => ctx.addIssue({ code: "custom", path: ["value"], message });
      if (kind === "percent" && !(Number.isInteger(value) && value >= 1 && value <= 100))
        bad("a percent off must be a whole number from 1 to 100");
      if (kind === "amount" && !(value > 0)) bad("an amount off must be above 0");
      if (kind === "points" && !(Number.isInteger(value) && value >= 1))
        bad("bonus points must be a whole number of at least 1");
    })
    .prefault({});
}
