import { z } from "zod";
import { NO_INCENTIVE, incentiveSchema } from "~/modules/platform/settings/incentive";
import { off } from "~/modules/platform/settings/scenario-fields";
import { wholeNumber } from "~/modules/platform/settings/setting-fields";

export const settings = z
  .strictObject({
    enabled: off(),
    /** after the checkout's last activity */
    delayMinutes: wholeNumber(10, 1440, "minutes").default(60),
    secondReminder: z
      .strictObject({ enabled: off(), delayHours: wholeNumber(2, 168, "hours").default(24) })
      .prefault({}),
    incentive: incentiveSchema(NO_INCENTIVE),
  })
  // Reported on delayMinutes: dropping a stored value there (back to 60) always repairs it.
  .refine((s) => s.secondReminder.delayHours * 60 > s.delayMinutes, {
    path: ["delayMinutes"],
    error: "must be shorter than the second reminder's delay",
  });
