import { z } from "zod";
import { off } from "~/modules/platform/settings/scenario-fields";
import { wholeNumber } from "~/modules/platform/settings/setting-fields";

export const settings = z.strictObject({
  enabled: off(),
  /** before the product's median reorder date */
  daysBefore: wholeNumber(0, 30, "days").default(3),
});
