// The discount guard's message rule: a first-purchase incentive goes only to a prospect (no
// counted order, by account or by email — the rollups already join guest orders by email).
// Anyone else gets the scenario's loyalty variant, and the ledger says the offer was withheld.
import type { Incentive } from "~/modules/platform/settings/incentive";
import type { LoyaltyVariant } from "~/modules/platform/settings/shop-settings";
import { isProspect } from "./classify-customer";

export const OFFER_WITHHELD = "first-purchase offer withheld (the customer has ordered before)";

/** Bonus points offered instead of a first-purchase coupon, when the merchant chose points. */
export const LOYALTY_BONUS_POINTS = 100;

export function decideOffer(
  incentive: Incentive | null,
  customer: { ordersCount: number },
  loyaltyVariant: LoyaltyVariant,
): { incentive: Incentive | null; withheld: boolean } {
  if (!incentive || incentive.kind === "none") return { incentive: null, withheld: false };
  if (incentive.audience !== "first_purchase" || isProspect(customer.ordersCount))
    return { incentive, withheld: false };
  switch (loyaltyVariant) {
    case "loyalty_coupon":
      return { incentive: { ...incentive, audience: "loyalty" }, withheld: true };
    case "bonus_points":
      return {
        incentive: {
          audience: "loyalty",
          kind: "points",
          value: LOYALTY_BONUS_POINTS,
          expiresDays: incentive.expiresDays,
        },
        withheld: true,
      };
    case "none":
      return { incentive: null, withheld: true };
  }
}
