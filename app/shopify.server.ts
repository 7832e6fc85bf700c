// The only place that knows scopes, the API version and session storage.
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { getDb } from "./db.server";
import { getEnv } from "./env.server";
import { CachedSessionStorage } from "./modules/admin/shops/cached-session-storage.server";
import { onShopInstalled } from "./modules/admin/shops/install-shop.server";
import { onboardShop } from "./modules/admin/shops/onboard-shop.server";
import { adminPortForShop } from "./modules/platform/shopify/admin-port-for-shop.server";

export const API_VERSION = ApiVersion.April26;

const env = getEnv();
const db = await getDb();

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: env.SCOPES.split(","),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new CachedSessionStorage(new PrismaSessionStorage(db)),
  distribution: AppDistribution.AppStore,
  // Shopify managed install (shopify.app.toml has no legacy install flow): the admin's session
  // token is exchanged for the offline token, no OAuth redirects inside the iframe. It also lets
  // a local shop's stored offline session serve the admin as is (docs/decisions/0005).
  // expiringOfflineAccessTokens: the offline session keeps an expiring token with its refresh
  // token; background work refreshes it (app/modules/platform/shopify/offline-token.server.ts)
  future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
  hooks: {
    afterAuth: async ({ session }) => {
      await onShopInstalled({ db, domain: session.shop, scopes: session.scope ?? null });
      const { admin } = await adminPortForShop(db, session.shop);
      await onboardShop({ db, domain: session.shop, appUrl: env.SHOPIFY_APP_URL, admin });
    },
  },
  ...(env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;
