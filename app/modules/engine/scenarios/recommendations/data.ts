import { z } from "zod";
import { NO_EXTRA, isoTime, scenarioData } from "../scenario-data";

export const data = scenarioData({
  /** the digest slot or the visit's start; a post-visit row also has the products viewed */
  row: z.object({ since: isoTime, products: z.array(z.string()).optional() }),
  extra: NO_EXTRA,
});
