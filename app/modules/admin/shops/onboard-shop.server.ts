import type { Db } from "~/db.server";
import { log } from "~/lib/log.server";
import { activateCheckoutDiscount, type CheckoutDiscountStatus } from "~/modules/admin/guard/checkout-discount.server";
import { runImportForShop } from "~/modules/ingest/import/run-import-for-shop.server";
import type { AdminPort } from "~/modules/platform/shopify/admin-port";

/**
 * What a fresh install needs before Joren is useful: the storefront pixel (behaviour events),
 * the first-purchase checkout discount (the guard's Discount Function) and the history import
 * (without it every existing regular would look new). The pixel and the discount are created
 * once; the import runs in the background and resumes if interrupted.
 */
export async function onboardShop(input: {
  db: Db;
  domain: string;
  appUrl: string;
  admin: AdminPort;
  runImport?: boolean;
  now?: Date;
}): Promise<{ webPixelId: string | null; importStarted: boolean; checkoutDiscount: CheckoutDiscountStatus | null }> {
  const shop = await input.db.shop.findUniqueOrThrow({ where: { domain: input.domain } });
  let webPixelId = shop.webPixelId;
  if (!webPixelId) {
    try {
      webPixelId = (await input.admin.createWebPixel({ accountID: input.domain, appUrl: input.appUrl })).id;
      await input.db.shop.update({ where: { id: shop.id }, data: { webPixelId } });
    } catch (error) {
      // Not fatal: onboarding shows the pixel as not connected, with what to do.
      log("warn", "web pixel registration failed", { shop: input.domain, error: (error as Error).message });
    }
  }
  // The store's name as customers know it, for the emails (a fresh install knows only the domain).
  if (!shop.name || shop.name === input.domain.replace(/\.myshopify\.com$/, "")) {
    try {
      const { name } = await input.admin.getShopInfo();
      if (name.trim()) await input.db.shop.updateMany({ where: { id: shop.id }, data: { name: name.trim() } });
    } catch (error) {
      // Not fatal: emails use the domain until the next onboarding, or the brand's shop name.
      log("warn", "shop name lookup failed", { shop: input.domain, error: (error as Error).message });
    }
  }
  // The first-purchase checkout discount (the guard's Function), created once per shop.
  let checkoutDiscount: CheckoutDiscountStatus | null = null;
  try {
    checkoutDiscount = await activateCheckoutDiscount({
      db: input.db,
      shopId: shop.id,
      admin: input.admin,
      now: input.now ?? new Date(),
    });
  } catch (error) {
    // Not fatal either: onboarding shows the checkout discount as not active, with what to do.
    log("warn", "first-purchase discount activation failed", { shop: input.domain, error: (error as Error).message });
  }
  const importStarted = input.runImport !== false;
  if (importStarted) {
    void runImportForShop({ db: input.db, domain: input.domain, admin: input.admin }).catch((error: Error) =>
      log("warn", "history import stopped; it resumes on the next run", { shop: input.domain, error: error.message }),
    );
  }
  return { webPixelId, importStarted, checkoutDiscount };
}
