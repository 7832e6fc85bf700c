import { z } from "zod";
import { off } from "~/modules/platform/settings/scenario-fields";
import { wholeNumber } from "~/modules/platform/settings/setting-fields";

export const settings = z.strictObject({
  enabled: off(),
  /** after the last product view */
  delayMinutes: wholeNumber(30, 1440, "minutes").default(120),
  /** no browse email to someone who got any abandonment email within this many days */
  suppressAfterAbandonmentDays: wholeNumber(0, 90, "days").default(14),
  maxProducts: wholeNumber(1, 6, "products").default(3),
});
