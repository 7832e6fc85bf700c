import { z } from "zod";
import { NO_EXTRA, isoTime, scenarioData } from "../scenario-data";

export const data = scenarioData({
  /** a checkout with an email (its token), or a cart session of an identified visitor */
  row: z.discriminatedUnion("source", [
    z.object({ source: z.literal("checkout"), token: z.string(), since: isoTime }),
    z.object({
      source: z.literal("cart"),
      since: isoTime,
      products: z.array(z.string()),
      variants: z.array(z.string()),
    }),
  ]),
  extra: NO_EXTRA,
});
