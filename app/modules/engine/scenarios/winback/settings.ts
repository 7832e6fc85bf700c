import { z } from "zod";
import { coupon, hour, off } from "~/modules/platform/settings/scenario-fields";
import { positiveAmount, wholeNumber } from "~/modules/platform/settings/setting-fields";

export const settings = z.strictObject({
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
});
