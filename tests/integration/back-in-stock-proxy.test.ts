// The storefront "notify me" form over HTTP against the real server build: the app proxy
// signature (valid, tampered, missing), email and consent validation, a guest becoming a local
// customer with consent recorded (source and time), logged-in customers, and a recorded "no"
// never overridden from the storefront. Every refusal writes nothing.
import { createHmac } from "node:crypto";
import { registerLocalShop } from "~/modules/shops/install-shop.server";
import { recordProduct } from "~/modules/catalog/record-product.server";
import { upsertCustomer } from "~/modules/customers/upsert-customer.server";
import { startAppServer, TEST_SECRET, type AppServer } from "../helpers/app-server";
import { createTestDb, type TestDb } from "../helpers/db";

const SHOP = "notify-shop.myshopify.com";
const SOLD_OUT = "9007199254740993201"; // above 2^53: must stay exact
const IN_STOCK = "9007199254740993202";

let t: TestDb;
let server: AppServer;
let shopId: string;

beforeAll(async () => {
  t = await createTestDb();
  shopId = (await registerLocalShop({ db: t.db, domain: SHOP })).shopId;
  const now = new Date();
  await recordProduct(t.db, { shopId, now }, {
    gid: "gid://shopify/Product/9007199254740993200", title: "Gyokuro", handle: "gyokuro", status: "active", productType: null, vendor: null, tags: null,
    imageUrl: null, publishedAt: now, updatedAt: now,
    variants: [
      { gid: `gid://shopify/ProductVariant/${SOLD_OUT}`, title: "50g", sku: null, price: 2_000_000n, inventoryItemGid: null, inventoryQuantity: 0, inventoryPolicy: "deny", updatedAt: now },
      { gid: `gid://shopify/ProductVariant/${IN_STOCK}`, title: "100g", sku: null, price: 3_600_000n, inventoryItemGid: null, inventoryQuantity: 5, inventoryPolicy: "deny", updatedAt: now },
    ],
  });
  server = await startAppServer({ databaseUrl: t.url });
});
afterAll(async () => {
  await server?.stop();
  await t?.close();
});

/** The query string Shopify's app proxy appends, signed as Shopify signs it. */
function signedQuery(params: Record<string, string>, secret = TEST_SECRET): string {
  const message = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join("");
  const signature = createHmac("sha256", secret).update(message).digest("hex");
  return new URLSearchParams({ ...params, signature }).toString();
}

const params = (customerId = "") => ({ shop: SHOP, logged_in_customer_id: customerId, path_prefix: "/apps/joren", timestamp: String(Math.floor(Date.now() / 1000)) });

function post(query: string, body: Record<string, string | boolean>, json = true) {
  return fetch(`${server.url}/proxy/back-in-stock?${query}`, {
    method: "POST",
    redirect: "manual",
    headers: json ? { "content-type": "application/json", accept: "application/json" } : { "content-type": "application/x-www-form-urlencoded" },
    body: json ? JSON.stringify(body) : new URLSearchParams(body as Record<string, string>).toString(),
  });
}

const subscriptions = () => t.db.backInStockSubscription.findMany({ where: { shopId }, include: { customer: true }, orderBy: { createdAt: "asc" } });

test("a guest subscribes: a local customer with the email, consent recorded with source and time, one subscription", async () => {
  const before = Date.now();
  const response = await post(signedQuery(params()), { email: " Guest@Example.JP ", variant: SOLD_OUT, consent: true, locale: "ja" });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true, outcome: "subscribed", message: "再入荷したらメールでお知らせします。" });
  const [sub] = await subscriptions();
  expect(sub).toMatchObject({ variantGid: `gid://shopify/ProductVariant/${SOLD_OUT}`, productGid: "gid://shopify/Product/9007199254740993200", source: "back_in_stock_form", locale: "ja" });
  expect(sub!.consentAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
  expect(sub!.customer).toMatchObject({ gid: null, emailNormalized: "guest@example.jp", emailConsent: "SUBSCRIBED", emailConsentSource: "back_in_stock_form", emailConsentOptInLevel: "SINGLE_OPT_IN" });
  expect(sub!.customer.emailConsentAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);

  const again = await post(signedQuery(params()), { email: "guest@example.jp", variant: SOLD_OUT, consent: "on", locale: "en" });
  expect(await again.json()).toMatchObject({ ok: true, outcome: "already" });
  expect(await subscriptions()).toHaveLength(1);
  expect(await t.db.customer.count({ where: { shopId, emailNormalized: "guest@example.jp" } })).toBe(1);
});

test("a tampered, wrongly signed or unsigned request is refused with 400 and writes nothing", async () => {
  const count = await t.db.backInStockSubscription.count();
  const body = { email: "mallory@example.jp", variant: SOLD_OUT, consent: true };
  const tampered = signedQuery(params("1001")).replace("logged_in_customer_id=1001", "logged_in_customer_id=1002");
  expect((await post(tampered, body)).status).toBe(400);
  expect((await post(signedQuery(params(), "wrong-secret"), body)).status).toBe(400);
  expect((await post(new URLSearchParams(params()).toString(), body)).status).toBe(400);
  expect(await t.db.backInStockSubscription.count()).toBe(count);
  expect(await t.db.customer.count({ where: { emailNormalized: "mallory@example.jp" } })).toBe(0);
});

test("bad input gets a 4xx in the visitor's language and writes nothing", async () => {
  const count = await t.db.customer.count();
  const cases: [Record<string, string | boolean>, number, string][] = [
    [{ email: "not-an-email", variant: SOLD_OUT, consent: true }, 400, "invalid"],
    [{ email: "ok@example.jp", variant: SOLD_OUT }, 400, "invalid"], // no consent box
    [{ email: "ok@example.jp", variant: SOLD_OUT, consent: false }, 400, "invalid"],
    [{ email: "ok@example.jp", variant: "abc", consent: true }, 400, "invalid"],
    [{ email: "ok@example.jp", variant: "123", consent: true }, 404, "unknown_product"],
    [{ email: "ok@example.jp", variant: IN_STOCK, consent: true, locale: "ja" }, 409, "in_stock"],
  ];
  for (const [body, status, outcome] of cases) {
    const response = await post(signedQuery(params()), body);
    expect(response.status, JSON.stringify(body)).toBe(status);
    expect(await response.json()).toMatchObject({ ok: false, outcome });
  }
  expect(await t.db.customer.count()).toBe(count);
  // a plain form post that fails shows the reason in both languages
  const html = await post(signedQuery(params()), { email: "x", variant: SOLD_OUT, consent: "on" }, false);
  expect(html.status).toBe(400);
  expect(await html.text()).toContain("valid email address");
});

test("a logged-in customer subscribes as themselves; an unsubscribed address is never re-subscribed from the storefront", async () => {
  const now = new Date();
  const customer = (gid: string, email: string, state: "NOT_SUBSCRIBED" | "UNSUBSCRIBED") =>
    upsertCustomer(t.db, { shopId, now }, {
      gid, email, firstName: null, lastName: null, phone: null, locale: "en", state: null, tags: null, birthDate: null, createdAt: now, updatedAt: now,
      consent: { state, optInLevel: "SINGLE_OPT_IN", updatedAt: new Date(now.getTime() - 60_000) },
    });
  const member = await customer("gid://shopify/Customer/9007199254740993301", "member@example.jp", "NOT_SUBSCRIBED");
  const gone = await customer("gid://shopify/Customer/9007199254740993302", "gone@example.jp", "UNSUBSCRIBED");

  const plain = await post(signedQuery(params("9007199254740993301")), { email: "member@example.jp", variant: SOLD_OUT, consent: "on", return_to: "/products/gyokuro" }, false);
  expect(plain.status).toBe(200);
  expect(plain.headers.get("content-type")).toMatch(/^application\/liquid/);
  const confirmation = await plain.text();
  expect(confirmation).toContain('data-joren-outcome="joren_back_in_stock=subscribed"');
  expect(confirmation).toContain('<a href="/products/gyokuro">');
  expect(await t.db.customer.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({ emailConsent: "SUBSCRIBED", emailConsentSource: "back_in_stock_form" });
  expect(await t.db.backInStockSubscription.count({ where: { customerId: member.id } })).toBe(1);

  const refused = await post(signedQuery(params()), { email: "gone@example.jp", variant: SOLD_OUT, consent: true, locale: "en" });
  expect(refused.status).toBe(409);
  expect(await refused.json()).toMatchObject({ outcome: "unsubscribed", message: expect.stringContaining("sign up for our emails again") });
  expect(await t.db.customer.findUniqueOrThrow({ where: { id: gone.id } })).toMatchObject({ emailConsent: "UNSUBSCRIBED" });
  expect(await t.db.backInStockSubscription.count({ where: { customerId: gone.id } })).toBe(0);
  // an open redirect is not possible: only a path on the storefront
  const external = await post(signedQuery(params("9007199254740993301")), { email: "member@example.jp", variant: SOLD_OUT, consent: "on", return_to: "//evil.example" }, false);
  const externalPage = await external.text();
  expect(externalPage).toContain('data-joren-outcome="joren_back_in_stock=already"');
  expect(externalPage).toContain('<a href="/">');
});
