// Which AdminPort a shop gets: a local shop (Shop.isLocal: no real Shopify behind it) gets the
// in-process fake; an installed shop gets the real GraphQL port with its offline access token
// (the session @shopify/shopify-app-remix stores as `offline_<domain>`).
import type { Db } from "~/db.server";
import { getEnv } from "~/env.server";
import type { AdminPort } from "./admin-port";
import { createFakeAdminPort, type FakeStoreData } from "./fake-admin-port";
import { createGraphqlAdminPort } from "./graphql-admin-port.server";
import { offlineTokenSource } from "./offline-token.server";

function appCredentials(): { clientId: string; clientSecret: string } {
  const { SHOPIFY_API_KEY, SHOPIFY_API_SECRET } = getEnv();
  return { clientId: SHOPIFY_API_KEY, clientSecret: SHOPIFY_API_SECRET };
}

export interface ShopAdminPort {
  admin: AdminPort;
  shopId: string;
  /** true for a local shop: the port is the in-process fake */
  local: boolean;
  /** the access scopes granted to the app, when known (null for a local shop) */
  scopes: string[] | null;
}

export async function adminPortForShop(
  db: Db,
  domain: string,
  options: { fakeStore?: FakeStoreData } = {},
): Promise<ShopAdminPort> {
  const shop = await db.shop.findUnique({ where: { domain }, select: { id: true, isLocal: true, scopes: true } });
  if (!shop) {
    throw new Error(
      `${domain} is not known here: install the app on it, or add it as a local shop (npm run joren -- shop:add ${domain})`,
    );
  }
  if (shop.isLocal)
    return { admin: createFakeAdminPort(options.fakeStore), shopId: shop.id, local: true, scopes: null };
  const session = await db.session.findUnique({
    where: { id: `offline_${domain}` },
    select: { accessToken: true, scope: true, expires: true, refreshToken: true },
  });
  if (!session?.accessToken) {
    throw new Error(`${domain} has no offline session: open the app from the shop's admin once so it can authenticate`);
  }
  const granted = session.scope ?? shop.scopes;
  return {
    // an expiring offline token is refreshed when due (or refused with 401); a legacy
    // non-expiring one is used as it is
    admin: createGraphqlAdminPort({
      shop: domain,
      accessToken:
        session.expires || session.refreshToken
          ? offlineTokenSource({ db, shop: domain, credentials: appCredentials })
          : session.accessToken,
    }),
    shopId: shop.id,
    local: false,
    scopes: granted
      ? granted
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : null,
  };
}
