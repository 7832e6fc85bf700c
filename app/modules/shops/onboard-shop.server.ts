import type { Db } from "~/db.server";
import { log } from "~/lib/log.server";
import { runImportForShop } from "~/modules/import/run-import-for-shop.server";
import type { AdminPort } from "~/modules/shopify/admin-port";

/**
 * What a fresh install needs before Joren is useful: the storefront pixel (behaviour events)
 * and the history import (without it every existing regular would look new). The pixel is
 * registered once; the import runs in the background and resumes if interrupted.
 */
export async function onboardShop(input: {
  db: Db;
  domain: string;
  appUrl: string;
  admin: AdminPort;
  runImport?: boolean;
}): Promise<{ webPixelId: string | null; importStarted: boolean }> {
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
  const importStarted = input.runImport !== false;
  if (importStarted) {
    void runImportForShop({ db: input.db, domain: input.domain, admin: input.admin }).catch((error: Error) =>
      log("warn", "history import stopped; it resumes on the next run", { shop: input.domain, error: error.message }),
    );
  }
  return { webPixelId, importStarted };
}
