import { z } from "zod";
import { NO_EXTRA, isoTime, scenarioData } from "../scenario-data";

export const data = scenarioData({
  /** when the prospect signed up */
  row: z.object({ since: isoTime }),
  extra: NO_EXTRA,
});
