import { z } from "zod";
import { NO_EXTRA, isoTime, scenarioData } from "../scenario-data";

export const data = scenarioData({
  /** just after the first order, and the delay used (the shop's median gap or the fallback) */
  row: z.object({ since: isoTime, delayDays: z.number(), delaySource: z.string() }),
  extra: NO_EXTRA,
});
