import { z } from "zod";
import { isoTime, scenarioData } from "../scenario-data";

export const data = scenarioData({
  /** the order line the reorder is expected for */
  row: z.object({
    since: isoTime,
    productGid: z.string(),
    variantGid: z.string().nullable(),
    intervalDays: z.number(),
    expectedAt: isoTime,
  }),
  extra: z.object({ intervalDays: z.number(), expectedAt: isoTime }),
});
