// Per-scenario settings with docs/product.md's defaults ("Built-in scenarios"). Every scenario is off
// until the merchant turns it on. Hours are shop-local (0–23); the engine ticks every minute and
// compares them with the shop's clock.
import { z } from "zod";
import { NO_INCENTIVE, incentiveSchema } from "./incentive";
import { flag, oneOf, positiveAmount, wholeNumber } from "./setting-fields";
import type { ScenarioKey } from "./scenario-keys";

const off = () => flag().default(false);
const hour = (value: number) => wholeNumber(0, 23, "o'clock").default(value);
const coupon = (audience: "first_purchase" | "anyone") => incentiveSchema({ audience, kind: "percent", value: 10, expiresDays: 14 });

const daysBeforeList = z
  .array(wholeNumber(1, 365, "days"), { error: "must be a list of days, e.g. 30,7" })
  .min(1, { error: "needs at least one day" })
  .max(3, { error: "allows at most 3 reminders" })
  .refine((days) => new Set(days).size === days.length, { error: "must not repeat a day" })
  .transform((days) => [...days].sort((a, b) => b - a));

export const SCENARIO_SCHEMAS = {
  cart_abandonment: z
    .strictObject({
      enabled: off(),
      /** after the checkout's last activity */
      delayMinutes: wholeNumber(10, 1440, "minutes").default(60),
      secondReminder: z.strictObject({ enabled: off(), delayHours: wholeNumber(2, 168, "hours").default(24) }).prefault({}),
      incentive: incentiveSchema(NO_INCENTIVE),
    })
    // Reported on delayMinutes: dropping a stored value there (back to 60) always repairs it.
    .refine((s) => s.secondReminder.delayHours * 60 > s.delayMinutes, {
      path: ["delayMinutes"],
      error: "must be shorter than the second reminder's delay",
    }),
  browse_abandonment: z.strictObject({
    enabled: off(),
    /** after the last product view */
    delayMinutes: wholeNumber(30, 1440, "minutes").default(120),
    /** no browse email to someone who got any abandonment email within this many days */
    suppressAfterAbandonmentDays: wholeNumber(0, 90, "days").default(14),
    maxProducts: wholeNumber(1, 6, "products").default(3),
  }),
  back_in_stock: z.strictObject({
    enabled: off(),
    /** available quantity that counts as "back" (rising from ≤ 0) */
    threshold: wholeNumber(1, 1000, "units").default(1),
    /** never more recipients than this many times the units available */
    recipientMultiple: wholeNumber(1, 100, "×").default(5),
    viewerLookbackDays: wholeNumber(1, 90, "days").default(30),
  }),
  birthday: z.strictObject({ enabled: off(), hour: hour(9), incentive: coupon("anyone") }),
  points_expiry: z.strictObject({ enabled: off(), daysBefore: daysBeforeList.default([30, 7]), hour: hour(10) }),
  second_purchase: z.strictObject({
    enabled: off(),
    /** used while the shop has too few second orders for its own median gap */
    fallbackDays: wholeNumber(1, 365, "days").default(14),
  }),
  replenishment: z.strictObject({
    enabled: off(),
    /** before the product's median reorder date */
    daysBefore: wholeNumber(0, 30, "days").default(3),
  }),
  winback: z
    .strictObject({
      enabled: off(),
      dormantDays: wholeNumber(30, 1095, "days").default(180),
      /** dormant after multiplier × the customer's own median gap, clamped to [minDays, maxDays] */
      adaptive: z
        .strictObject({
          enabled: off(),
          multiplier: positiveAmount(10).default(3),
          minDays: wholeNumber(14, 1095, "days").default(90),
          maxDays: wholeNumber(14, 1095, "days").default(365),
        })
        // Both ends are flagged, so a stored contradiction is repaired to the default range.
        .superRefine((a, ctx) => {
          if (a.minDays <= a.maxDays) return;
          ctx.addIssue({ code: "custom", path: ["minDays"], message: "must not be above maxDays" });
          ctx.addIssue({ code: "custom", path: ["maxDays"], message: "must not be below minDays" });
        })
        .prefault({}),
      hour: hour(10),
      incentive: coupon("anyone"),
    }),
  welcome: z.strictObject({
    enabled: off(),
    delayMinutes: wholeNumber(0, 1440, "minutes").default(10),
    reminder: z.strictObject({ enabled: off(), delayDays: wholeNumber(1, 30, "days").default(3) }).prefault({}),
    incentive: coupon("first_purchase"),
  }),
  points_statement: z.strictObject({
    enabled: off(),
    /** 1–28 so the day exists every month */
    dayOfMonth: wholeNumber(1, 28).default(1),
    hour: hour(10),
  }),
  recommendations: z.strictObject({
    enabled: off(),
    // Monthly by default: the post-visit trigger already covers timeliness, and too many
    // messages cost trust (docs/product.md).
    cadence: oneOf(["weekly", "monthly"] as const).default("monthly"),
    /** days after a visit without an order; 0 = no post-visit email */
    postVisitDays: wholeNumber(0, 30, "days").default(3),
    minRecommendations: wholeNumber(1, 12, "products").default(2),
    /** skip anyone who received any Joren email within this many days */
    recentEmailDays: wholeNumber(0, 30, "days").default(3),
    hour: hour(10),
  }),
} satisfies Record<ScenarioKey, z.ZodType>;

export type ScenarioSchemas = typeof SCENARIO_SCHEMAS;
export type ScenarioSettings<K extends ScenarioKey = ScenarioKey> = z.output<ScenarioSchemas[K]>;
export type ScenarioSettingsByKey = { [K in ScenarioKey]: ScenarioSettings<K> };
