// What the guard did over a date range, for reports, the admin and the CLI:
// - offersWithheld: emails sent with a first-purchase offer withheld (the customer had ordered);
// - loyaltyVariantsSent: of those, the ones that carried the loyalty variant (a coupon) instead;
// - firstPurchaseRedemptionsByRepeat: orders that redeemed a first-purchase code — one Joren
//   created for a first-purchase offer, or one of the merchant's own first-purchase codes
//   (settings guard.firstPurchaseCodes) — by a person with a counted order before. Should be 0.
import type { Tx } from "~/db.server";
import { parseShopSettings } from "~/modules/platform/settings/shop-settings";
import { OFFER_WITHHELD } from "./offer-policy";

export interface GuardCounters {
  offersWithheld: number;
  loyaltyVariantsSent: number;
  firstPurchaseRedemptionsByRepeat: number;
}

/** The ledger reason starts with OFFER_WITHHELD; match its stable head only. */
const WITHHELD_MARK = OFFER_WITHHELD.split(" (")[0];
const CHUNK = 400;

function parseCodes(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((c): c is string => typeof c === "string" && c.trim() !== "") : [];
  } catch {
    return [];
  }
}

const codeKey = (code: string) => code.trim().toUpperCase();

/** Joren's own codes among `codes` whose message offered a first-purchase incentive. */
async function jorenFirstPurchaseCodes(db: Tx, shopId: string, codes: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < codes.length; i += CHUNK) {
    const rows = await db.message.findMany({
      where: {
        shopId,
        couponCode: { in: codes.slice(i, i + CHUNK) },
        incentive: { contains: '"audience":"first_purchase"' },
      },
      select: { couponCode: true },
    });
    for (const row of rows) if (row.couponCode) found.add(codeKey(row.couponCode));
  }
  return found;
}

/** [from, to): `from` included, `to` excluded. */
export async function guardCounters(db: Tx, shopId: string, range: { from: Date; to: Date }): Promise<GuardCounters> {
  const sentInRange = {
    shopId,
    status: "sent",
    sentAt: { gte: range.from, lt: range.to },
    reason: { contains: WITHHELD_MARK },
  };
  const [shop, offersWithheld, loyaltyVariantsSent, orders] = await Promise.all([
    db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true } }),
    db.message.count({ where: sentInRange }),
    db.message.count({ where: { ...sentInRange, incentive: { not: null } } }),
    db.order.findMany({
      where: { shopId, test: false, shopifyCreatedAt: { gte: range.from, lt: range.to }, NOT: { discountCodes: "[]" } },
      select: { id: true, customerId: true, emailNormalized: true, discountCodes: true, shopifyCreatedAt: true },
    }),
  ]);

  const merchantCodes = new Set(parseShopSettings(shop.settings).guard.firstPurchaseCodes.map(codeKey));
  const usedCodes = [...new Set(orders.flatMap((o) => parseCodes(o.discountCodes).map(codeKey)))];
  const joren = await jorenFirstPurchaseCodes(db, shopId, usedCodes);
  const isFirstPurchaseCode = (code: string) => merchantCodes.has(codeKey(code)) || joren.has(codeKey(code));

  let firstPurchaseRedemptionsByRepeat = 0;
  for (const order of orders) {
    if (!parseCodes(order.discountCodes).some(isFirstPurchaseCode)) continue;
    const person = [
      ...(order.customerId ? [{ customerId: order.customerId }] : []),
      ...(order.emailNormalized ? [{ emailNormalized: order.emailNormalized }] : []),
    ];
    if (person.length === 0) continue;
    const earlier = await db.order.count({
      where: {
        shopId,
        counted: true,
        id: { not: order.id },
        shopifyCreatedAt: { lt: order.shopifyCreatedAt },
        OR: person,
      },
    });
    if (earlier > 0) firstPurchaseRedemptionsByRepeat += 1;
  }
  return { offersWithheld, loyaltyVariantsSent, firstPurchaseRedemptionsByRepeat };
}
