import { z } from "zod";
import { hour, off } from "~/modules/platform/settings/scenario-fields";
import { wholeNumber } from "~/modules/platform/settings/setting-fields";

const daysBeforeList = z
  .array(wholeNumber(1, 365, "days"), { error: "must be a list of days, e.g. 30,7" })
  .min(1, { error: "needs at least one day" })
  .max(3, { error: "allows at most 3 reminders" })
  .refine((days) => new Set(days).size === days.length, { error: "must not repeat a day" })
  .transform((days) => [...days].sort((a, b) => b - a));

export const settings = z.strictObject({ enabled: off(), daysBefore: daysBeforeList.default([30, 7]), hour: hour(10) });
