import { z } from "zod";
import { off } from "~/modules/platform/settings/scenario-fields";
import { wholeNumber } from "~/modules/platform/settings/setting-fields";

export const settings = z.strictObject({
  enabled: off(),
  /** available quantity that counts as "back" (rising from ≤ 0) */
  threshold: wholeNumber(1, 1000, "units").default(1),
  /** never more recipients than this many times the units available */
  recipientMultiple: wholeNumber(1, 100, "×").default(5),
  viewerLookbackDays: wholeNumber(1, 90, "days").default(30),
});
