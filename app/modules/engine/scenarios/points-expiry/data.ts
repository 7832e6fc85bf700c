import { z } from "zod";
import { scenarioData } from "../scenario-data";

export const data = scenarioData({
  /** the shop-local date the points expire on ("YYYY-MM-DD") and how many days before it this reminder is */
  row: z.object({ expiresOn: z.string(), daysBefore: z.number() }),
  extra: z.object({ pointsBalance: z.number(), expiringPoints: z.number(), expiringOn: z.string().min(1) }),
});
