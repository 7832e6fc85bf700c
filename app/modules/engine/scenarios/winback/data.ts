import { z } from "zod";
import { isoTime, scenarioData } from "../scenario-data";

export const data = scenarioData({
  /** the last order (its time and GID) and the dormancy threshold that made the customer due */
  row: z.object({ since: isoTime, lastOrderGid: z.string(), thresholdDays: z.number() }),
  extra: z.object({ daysSinceLastOrder: z.number() }),
});
