// The checkout side of the guard: activating the first-purchase Discount Function
// (extensions/joren-first-purchase-discount) as an automatic discount on the shop, keeping its
// configuration in step with the shop's settings, and reporting its state for onboarding.
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { log } from "~/lib/log.server";
import { parseShopSettings, type ShopSettings } from "~/modules/platform/settings/shop-settings";
import type { AdminPort, AutomaticAppDiscountInput } from "~/modules/platform/shopify/admin-port";
import type { FirstPurchaseConfig } from "../../../../extensions/joren-first-purchase-discount/src/config";

/** the extension's handle in its shopify.extension.toml */
export const FIRST_PURCHASE_FUNCTION_HANDLE = "joren-first-purchase-discount";
/** where the Function's input query reads its configuration */
export const FIRST_PURCHASE_CONFIG_METAFIELD = { namespace: "$app:joren", key: "first-purchase-config" } as const;
export const FIRST_PURCHASE_DISCOUNT_TITLE = "Joren: first-purchase discount (logged-in customers with no orders)";

/** A claim older than this is taken to be a crashed activation and may be retried. */
const CLAIM_TTL_MS = 10 * 60_000;
const CLAIM_PREFIX = "pending:";

export interface CheckoutDiscountStatus {
  /** the app's Discount Function is deployed to the shop (`shopify app deploy`) */
  functionFound: boolean;
  /** the automatic discount Joren created, or null */
  discountId: string | null;
  /** the discount exists in Shopify and is ACTIVE */
  active: boolean;
}

function formatMoney(value: number, currency: string, locale: "ja" | "en"): string {
  try {
    return new Intl.NumberFormat(locale === "ja" ? "ja-JP" : "en-US", { style: "currency", currency }).format(value);
  } catch {
    return `${value} ${currency}`;
  }
}

/** The Function's configuration for a shop's settings: what a logged-in new customer gets. */
export function firstPurchaseFunctionConfig(settings: ShopSettings, currency: string): FirstPurchaseConfig {
  const { kind, value } = settings.guard.checkoutDiscount;
  if (kind === "percent") {
    return {
      version: 1,
      enabled: true,
      kind,
      value,
      currencyCode: null,
      message: { ja: `初回購入${value}%オフ`, en: `${value}% off your first order` },
    };
  }
  return {
    version: 1,
    enabled: true,
    kind,
    value,
    currencyCode: currency,
    message: {
      ja: `初回購入${formatMoney(value, currency, "ja")}オフ`,
      en: `${formatMoney(value, currency, "en")} off your first order`,
    },
  };
}

/** Is the Function deployed to the shop (`shopify app deploy`)? */
async function functionDeployed(admin: AdminPort): Promise<boolean> {
  const functions = await admin.listShopifyFunctions();
  return functions.some((f) => f.handle === FIRST_PURCHASE_FUNCTION_HANDLE);
}

export function isPendingClaim(value: string | null): boolean {
  return value !== null && value.startsWith(CLAIM_PREFIX);
}

/** The automatic discount Joren creates in Shopify for the first-purchase Function. */
export function firstPurchaseDiscountInput(startsAt: Date, config: unknown): AutomaticAppDiscountInput {
  return {
    title: FIRST_PURCHASE_DISCOUNT_TITLE,
    functionHandle: FIRST_PURCHASE_FUNCTION_HANDLE,
    startsAt,
    discountClasses: ["ORDER"],
    combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
    configuration: { ...FIRST_PURCHASE_CONFIG_METAFIELD, value: config },
  };
}
/**
 * Creates the automatic first-purchase discount once per shop. The shop row is claimed with a
 * conditional update first, so two onboarding requests at once cannot both create one; the
 * discount id is remembered on the shop. An existing discount only gets its configuration
 * refreshed. Throws when Shopify refuses (the caller decides whether that is fatal).
 */
export async function activateCheckoutDiscount(input: {
  db: Db;
  shopId: string;
  admin: AdminPort;
  now: Date;
  /**
   * The merchant asked for it again (an "activate" button): a discount deleted in the Shopify
   * admin is created anew. Onboarding leaves it false, so a deliberate deletion stays deleted.
   */
  recreateIfMissing?: boolean;
}): Promise<CheckoutDiscountStatus> {
  const { db, shopId, admin, now } = input;
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
  const config = firstPurchaseFunctionConfig(parseShopSettings(shop.settings), shop.currency);
  if (shop.guardDiscountId && !isPendingClaim(shop.guardDiscountId)) {
    const existing = await admin.getAutomaticDiscountStatus(shop.guardDiscountId);
    if (existing || !input.recreateIfMissing) {
      if (existing) await syncCheckoutDiscountConfig({ db, shopId, admin });
      return checkoutDiscountStatus({ db, shopId, admin });
    }
    await db.shop.updateMany({
      where: { id: shopId, guardDiscountId: shop.guardDiscountId },
      data: { guardDiscountId: null },
    });
  }
  if (!(await functionDeployed(admin))) return { functionFound: false, discountId: null, active: false };

  const claim = `${CLAIM_PREFIX}${now.getTime()}:${randomUUID()}`;
  const staleBefore = `${CLAIM_PREFIX}${now.getTime() - CLAIM_TTL_MS}`;
  const claimed = await db.shop.updateMany({
    where: {
      id: shopId,
      OR: [{ guardDiscountId: null }, { guardDiscountId: { startsWith: CLAIM_PREFIX, lt: staleBefore } }],
    },
    data: { guardDiscountId: claim },
  });
  if (claimed.count !== 1) return checkoutDiscountStatus({ db, shopId, admin });
  try {
    const { discountId } = await admin.createAutomaticAppDiscount(firstPurchaseDiscountInput(now, config));
    await db.shop.updateMany({ where: { id: shopId, guardDiscountId: claim }, data: { guardDiscountId: discountId } });
    return { functionFound: true, discountId, active: true };
  } catch (error) {
    await db.shop.updateMany({ where: { id: shopId, guardDiscountId: claim }, data: { guardDiscountId: null } });
    throw error;
  }
}

/** Writes the current settings into the existing discount's configuration (after a settings change). */
export async function syncCheckoutDiscountConfig(input: {
  db: Db;
  shopId: string;
  admin: AdminPort;
}): Promise<boolean> {
  const shop = await input.db.shop.findUniqueOrThrow({ where: { id: input.shopId } });
  if (!shop.guardDiscountId || isPendingClaim(shop.guardDiscountId)) return false;
  await input.admin.setJsonMetafield({
    ownerId: shop.guardDiscountId,
    ...FIRST_PURCHASE_CONFIG_METAFIELD,
    value: firstPurchaseFunctionConfig(parseShopSettings(shop.settings), shop.currency),
  });
  return true;
}

/** For the onboarding page: is the Function deployed, is the discount there and active. */
export async function checkoutDiscountStatus(input: {
  db: Db;
  shopId: string;
  admin: AdminPort;
}): Promise<CheckoutDiscountStatus> {
  const shop = await input.db.shop.findUniqueOrThrow({
    where: { id: input.shopId },
    select: { guardDiscountId: true, domain: true },
  });
  const discountId = shop.guardDiscountId && !isPendingClaim(shop.guardDiscountId) ? shop.guardDiscountId : null;
  const functionFound = await functionDeployed(input.admin);
  const status = discountId ? await input.admin.getAutomaticDiscountStatus(discountId) : null;
  if (discountId && !status)
    log("warn", "the first-purchase discount is gone from Shopify", { shop: shop.domain, discountId });
  return { functionFound, discountId, active: status?.status === "ACTIVE" };
}
