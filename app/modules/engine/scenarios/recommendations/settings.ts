import { z } from "zod";
import { hour, off } from "~/modules/platform/settings/scenario-fields";
import { oneOf, wholeNumber } from "~/modules/platform/settings/setting-fields";

export const settings = z.strictObject({
  enabled: off(),
  // Monthly by default: the post-visit trigger already covers timeliness, and too many
  // messages cost trust (docs/product.md).
  cadence: oneOf(["weekly", "monthly"] as const).default("monthly"),
  /** days after a visit without an order; 0 = no post-visit email */
  postVisitDays: wholeNumber(0, 30, "days").default(3),
  minRecommendations: wholeNumber(1, 12, "products").default(2),
  /** skip anyone who received any Joren email within this many days */
  recentEmailDays: wholeNumber(0, 30, "days").default(3),
  hour: hour(10),
});
