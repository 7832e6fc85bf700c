// Expiring offline access tokens against Shopify's HTTP contract, served by msw: the token
// endpoint (POST /admin/oauth/access_token, form-encoded grant_type=refresh_token, answering
// access_token, expires_in, refresh_token, refresh_token_expires_in, scope) and the Admin GraphQL
// endpoint, which answers 401 to an expired token. The session row is the real one in the test
// database; the background port is the one every job uses (adminPortForShop).
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { adminPortForShop } from "~/modules/platform/shopify/admin-port-for-shop.server";
import { offlineTokenSource, OfflineTokenError } from "~/modules/platform/shopify/offline-token.server";
import { createGraphqlAdminPort } from "~/modules/platform/shopify/graphql-admin-port.server";
import { createTestDb, type TestDb } from "../helpers/db";
import { at } from "../helpers/must";

const SHOP = "joren-refresh.myshopify.com";
const TOKEN_URL = `https://${SHOP}/admin/oauth/access_token`;
const GRAPHQL_URL = `https://${SHOP}/admin/api/2026-04/graphql.json`;
const SHOP_INFO = {
  data: {
    shop: { name: "Refresh", currencyCode: "JPY", ianaTimezone: "Asia/Tokyo" },
    shopLocales: [{ locale: "ja", primary: true, published: true }],
  },
};

let t: TestDb;
let validToken = "shpat_new";
let refreshAnswer: () => Response;
const tokenRequests: URLSearchParams[] = [];
const usedTokens: string[] = [];

const server = setupServer(
  http.post(TOKEN_URL, async ({ request }) => {
    expect(request.headers.get("content-type")).toMatch(/application\/x-www-form-urlencoded/);
    tokenRequests.push(new URLSearchParams(await request.text()));
    return refreshAnswer();
  }),
  http.post(GRAPHQL_URL, ({ request }) => {
    const token = request.headers.get("x-shopify-access-token") ?? "";
    usedTokens.push(token);
    if (token !== validToken)
      return HttpResponse.json(
        { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
        { status: 401 },
      );
    return HttpResponse.json(SHOP_INFO);
  }),
);

beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  t = await createTestDb();
  await t.db.shop.create({ data: { domain: SHOP } });
});
afterAll(async () => {
  server.close();
  await t?.close();
});
beforeEach(async () => {
  tokenRequests.length = 0;
  usedTokens.length = 0;
  validToken = "shpat_new";
  refreshAnswer = () =>
    HttpResponse.json({
      access_token: "shpat_new",
      expires_in: 3600,
      refresh_token: "shprt_next",
      refresh_token_expires_in: 7_776_000,
      scope: "write_customers,read_orders",
    });
  await t.db.session.deleteMany({ where: { shop: SHOP } });
});

async function storeSession(
  expires: Date | null,
  refreshToken: string | null = "shprt_first",
  refreshTokenExpires: Date | null = new Date(Date.now() + 86_400_000),
) {
  await t.db.session.create({
    data: {
      id: `offline_${SHOP}`,
      shop: SHOP,
      state: "",
      isOnline: false,
      accessToken: "shpat_old",
      scope: "write_customers",
      expires,
      refreshToken,
      refreshTokenExpires,
    },
  });
}

test("an expired token is refreshed before the call; the new token, expiry and refresh token are stored", async () => {
  await storeSession(new Date(Date.now() - 1000));
  const before = Date.now();
  const { admin } = await adminPortForShop(t.db, SHOP);
  expect((await admin.getShopInfo()).name).toBe("Refresh");
  expect(usedTokens.every((token) => token === "shpat_new")).toBe(true);
  expect(tokenRequests).toHaveLength(1);
  expect(Object.fromEntries(at(tokenRequests, 0))).toEqual({
    client_id: process.env.SHOPIFY_API_KEY,
    client_secret: process.env.SHOPIFY_API_SECRET,
    grant_type: "refresh_token",
    refresh_token: "shprt_first",
  });
  const session = await t.db.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } });
  expect(session).toMatchObject({
    accessToken: "shpat_new",
    refreshToken: "shprt_next",
    scope: "write_customers,read_orders",
  });
  expect(session.expires!.getTime()).toBeGreaterThanOrEqual(before + 3_600_000);
  expect(session.refreshTokenExpires!.getTime()).toBeGreaterThanOrEqual(before + 7_776_000_000);
});

test("a token Shopify refuses with 401 before its stored expiry is refreshed once and the call retried", async () => {
  await storeSession(new Date(Date.now() + 3_600_000));
  const { admin } = await adminPortForShop(t.db, SHOP);
  expect((await admin.getShopInfo()).currencyCode).toBe("JPY");
  expect(usedTokens.slice(0, 2)).toEqual(["shpat_old", "shpat_new"]);
  expect(tokenRequests).toHaveLength(1);
});

test("a refused refresh is a clear error that says what to do, and the stored session is kept", async () => {
  await storeSession(new Date(Date.now() - 1000));
  refreshAnswer = () =>
    HttpResponse.json({ error: "invalid_grant", error_description: "refresh token revoked" }, { status: 400 });
  const { admin } = await adminPortForShop(t.db, SHOP);
  const error = await admin.getShopInfo().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OfflineTokenError);
  expect((error as Error).message).toMatch(/refused to refresh.*invalid_grant.*open Joren from the shop's admin/);
  expect(await t.db.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } })).toMatchObject({
    accessToken: "shpat_old",
    refreshToken: "shprt_first",
  });
});

test("an expired refresh token is not sent; the error names the way out", async () => {
  await storeSession(new Date(Date.now() - 1000), "shprt_first", new Date(Date.now() - 1000));
  const source = offlineTokenSource({
    db: t.db,
    shop: SHOP,
    credentials: () => ({ clientId: "k", clientSecret: "s" }),
  });
  await expect(createGraphqlAdminPort({ shop: SHOP, accessToken: source }).getShopInfo()).rejects.toThrow(
    /so did its refresh token: open Joren/,
  );
  expect(tokenRequests).toHaveLength(0);
});

test("a legacy non-expiring token is used as it is, never refreshed", async () => {
  await storeSession(null, null, null);
  validToken = "shpat_old";
  const { admin } = await adminPortForShop(t.db, SHOP);
  expect((await admin.getShopInfo()).name).toBe("Refresh");
  expect(tokenRequests).toHaveLength(0);
});
