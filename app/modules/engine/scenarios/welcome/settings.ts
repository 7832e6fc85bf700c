import { z } from "zod";
import { coupon, off } from "~/modules/platform/settings/scenario-fields";
import { wholeNumber } from "~/modules/platform/settings/setting-fields";

export const settings = z.strictObject({
  enabled: off(),
  delayMinutes: wholeNumber(0, 1440, "minutes").default(10),
  reminder: z.strictObject({ enabled: off(), delayDays: wholeNumber(1, 30, "days").default(3) }).prefault({}),
  incentive: coupon("first_purchase"),
});
