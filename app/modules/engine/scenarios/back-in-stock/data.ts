import { z } from "zod";
import { NO_EXTRA, isoTime, scenarioData } from "../scenario-data";

export const data = scenarioData({
  /** the restock, and where in the queue this recipient stands (subscribers first, lower rank first) */
  row: z.object({
    since: isoTime,
    restockId: z.string(),
    variantGid: z.string(),
    productGid: z.string(),
    source: z.enum(["subscriber", "viewer"]),
    rank: z.number(),
  }),
  extra: NO_EXTRA,
});
