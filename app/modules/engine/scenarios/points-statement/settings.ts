import { z } from "zod";
import { hour, off } from "~/modules/platform/settings/scenario-fields";
import { wholeNumber } from "~/modules/platform/settings/setting-fields";

export const settings = z.strictObject({
  enabled: off(),
  /** 1–28 so the day exists every month */
  dayOfMonth: wholeNumber(1, 28).default(1),
  hour: hour(10),
});
