import { z } from "zod";
import { NO_EXTRA, isoTime, scenarioData } from "../scenario-data";

export const data = scenarioData({
  /** the viewing session's start and the products viewed (at most maxProducts) */
  row: z.object({ since: isoTime, products: z.array(z.string()) }),
  extra: NO_EXTRA,
});
