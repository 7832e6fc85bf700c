// Every admin loader and action starts here: Shopify's session-token authentication
// (authenticate.admin — no shortcut, also for local shops), then the shop it names.
import { getDb, type Db } from "~/db.server";
import { authenticate } from "~/shopify.server";
import { findShopByDomain, type ShopRef } from "../../platform/settings/shop-settings.server";

export async function requireAdminShop(
  request: Request,
): Promise<{ db: Db; shop: ShopRef; sessionLocale: string | null }> {
  const { session } = await authenticate.admin(request);
  const db = await getDb();
  const shop = await findShopByDomain(db, session.shop);
  return { db, shop, sessionLocale: session.onlineAccessInfo?.associated_user.locale ?? null };
}
