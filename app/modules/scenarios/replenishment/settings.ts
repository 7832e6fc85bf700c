import { z } from "zod";
import { off } from "~/modules/settings/scenario-fields";
import { wholeNumber } from "~/modules/settings/setting-fields";

export const settings = z.strictObject({
  enabled: off(),
  /** before the product's median reorder date */
  daysBefore: wholeNumber(0, 30, "days").default(3),
});
