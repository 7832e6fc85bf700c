import { z } from "zod";
import { scenarioData } from "../scenario-data";

export const data = scenarioData({
  /** the statement's month ("YYYY-MM") */
  row: z.object({ month: z.string() }),
  extra: z.object({
    pointsBalance: z.number(),
    expiringPoints: z.number().nullable(),
    expiringOn: z.string().min(1).nullable(),
    month: z.string(),
  }),
});
