import { z } from "zod";
import { off } from "~/modules/platform/settings/scenario-fields";
import { wholeNumber } from "~/modules/platform/settings/setting-fields";

export const settings = z.strictObject({
  enabled: off(),
  /** used while the shop has too few second orders for its own median gap */
  fallbackDays: wholeNumber(1, 365, "days").default(14),
});
