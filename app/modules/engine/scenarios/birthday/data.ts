import { z } from "zod";
import { scenarioData } from "../scenario-data";

export const data = scenarioData({
  /** the birth date as planned ("YYYY-MM-DD"; a change exits the row) and the year it is for */
  row: z.object({ birthDate: z.string().nullable(), year: z.number() }),
  extra: z.object({ year: z.number() }),
});
