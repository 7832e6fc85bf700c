// The storefront "notify me" form over HTTP against the real server build: the app proxy
// signature (valid, tampered, missing), email and consent validation, double opt-in (ADR 0023:
// a typed address gets one confirmation email and nothing else until its owner confirms through
// the signed link), logged-in customers typing their own address, and a recorded "no" never
// overridden from the storefront. Every refusal writes nothing.
import { createHmac } from "node:crypto";
import { runTick } from "~/modules/engine/tick.server";
import { engineDepsForShop } from "~/modules/engine/engine-deps.server";
import { handleConfirmRequest } from "~/modules/tracking/mail-endpoints.server";
import { mailTokenSecret } from "~/modules/delivery/mail/mail-secret.server";
import { signToken } from "~/modules/delivery/mail/tokens";
import { createFakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { enableScenario, registerSendingShop } from "../helpers/sending-shop";
import { recordProduct } from "~/modules/mirror/catalog/record-product.server";
import { upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import { startAppServer, TEST_SECRET, type AppServer } from "../helpers/app-server";
import { createTestDb, type TestDb } from "../helpers/db";

const SHOP = "notify-shop.myshopify.com";
const SOLD_OUT = "9007199254740993201"; // above 2^53: must stay exact
const IN_STOCK = "9007199254740993202";
const MORE_SOLD_OUT = ["9007199254740993203", "9007199254740993204", "9007199254740993205"];
const VARIANT = (id: string) => `gid://shopify/ProductVariant/${id}`;

let t: TestDb;
let server: AppServer;
let shopId: string;

beforeAll(async () => {
  t = await createTestDb();
  shopId = await registerSendingShop(t.db, SHOP, ["holdoutPercent=0", "quietHours=off"]);
  const now = new Date();
  await recordProduct(
    t.db,
    { shopId, now },
    {
      gid: "gid://shopify/Product/9007199254740993200",
      title: "Gyokuro",
      handle: "gyokuro",
      status: "active",
      productType: null,
      vendor: null,
      tags: null,
      imageUrl: null,
      publishedAt: now,
      updatedAt: now,
      variants: [
        {
          gid: `gid://shopify/ProductVariant/${SOLD_OUT}`,
          title: "50g",
          sku: null,
          price: 2_000_000n,
          inventoryItemGid: null,
          inventoryQuantity: 0,
          inventoryPolicy: "deny",
          updatedAt: now,
        },
        {
          gid: `gid://shopify/ProductVariant/${IN_STOCK}`,
          title: "100g",
          sku: null,
          price: 3_600_000n,
          inventoryItemGid: null,
          inventoryQuantity: 5,
          inventoryPolicy: "deny",
          updatedAt: now,
        },
        ...MORE_SOLD_OUT.map((id) => ({
          gid: VARIANT(id),
          title: `tin ${id}`,
          sku: null,
          price: 2_000_000n,
          inventoryItemGid: null,
          inventoryQuantity: 0,
          inventoryPolicy: "deny",
          updatedAt: now,
        })),
      ],
    },
  );
  server = await startAppServer({ databaseUrl: t.url });
});
afterAll(async () => {
  await server?.stop();
  await t?.close();
});

/** The query string Shopify's app proxy appends, signed as Shopify signs it. */
function signedQuery(params: Record<string, string>, secret = TEST_SECRET): string {
  const message = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("");
  const signature = createHmac("sha256", secret).update(message).digest("hex");
  return new URLSearchParams({ ...params, signature }).toString();
}

const params = (customerId = "") => ({
  shop: SHOP,
  logged_in_customer_id: customerId,
  path_prefix: "/apps/joren",
  timestamp: String(Math.floor(Date.now() / 1000)),
});

function post(query: string, body: Record<string, string | boolean>, json = true) {
  return fetch(`${server.url}/proxy/back-in-stock?${query}`, {
    method: "POST",
    redirect: "manual",
    headers: json
      ? { "content-type": "application/json", accept: "application/json" }
      : { "content-type": "application/x-www-form-urlencoded" },
    body: json ? JSON.stringify(body) : new URLSearchParams(body as Record<string, string>).toString(),
  });
}

const subscriptions = () =>
  t.db.backInStockSubscription.findMany({
    where: { shopId },
    include: { customer: true },
    orderBy: { createdAt: "asc" },
  });

const outbox = (to: string) =>
  t.db.outboxEmail.findMany({ where: { shopId, toEmail: to }, orderBy: { createdAt: "asc" } });
function confirmLinkOf(mail: { text: string }): string {
  const link = /(http:\/\/127\.0\.0\.1:\d+\/email\/confirm\?t=[A-Za-z0-9_.-]+)/.exec(mail.text)?.[1];
  if (!link) throw new Error("no confirm link in the email");
  return link;
}
const confirmPost = (url: string) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "accept-language": "ja" },
    body: "joren_page=1",
  });

test("a stranger's post records only a request and sends one confirmation email: no customer, no consent, no subscription, no welcome", async () => {
  await enableScenario(t.db, shopId, "welcome");
  const response = await post(signedQuery(params()), {
    email: " Guest@Example.JP ",
    variant: SOLD_OUT,
    consent: true,
    locale: "ja",
  });
  expect(response.status).toBe(202);
  expect(await response.json()).toMatchObject({
    ok: true,
    outcome: "confirm",
    message: expect.stringContaining("確認メールをお送りしました"),
  });
  // duplicate posts, three of them at once: still one request and one email
  const again = await Promise.all(
    [0, 1, 2].map(() =>
      post(signedQuery(params()), { email: "guest@example.jp", variant: SOLD_OUT, consent: "on", locale: "en" }),
    ),
  );
  for (const r of again) expect(await r.json()).toMatchObject({ ok: true, outcome: "confirm" });
  expect(await t.db.optInRequest.count({ where: { shopId, emailNormalized: "guest@example.jp" } })).toBe(1);
  const mails = await outbox("Guest@Example.JP");
  expect(mails).toHaveLength(1);
  expect(mails[0]!.subject).toContain("再入荷通知のご登録確認");
  expect(mails[0]!.text).toContain("Gyokuro");
  // transactional: no unsubscribe header, no tracking links
  expect(mails[0]!.headers).not.toContain("List-Unsubscribe");
  expect(mails[0]!.html).not.toContain("/email/open");
  expect(await t.db.customer.count({ where: { shopId, emailNormalized: "guest@example.jp" } })).toBe(0);
  expect(await t.db.backInStockSubscription.count({ where: { shopId } })).toBe(0);
  // the engine finds nobody to welcome, however late it runs
  const deps = await engineDepsForShop(t.db, SHOP, {
    ...process.env,
    SHOPIFY_API_SECRET: TEST_SECRET,
    SHOPIFY_APP_URL: server.url,
    SENDGRID_API_KEY: "",
  });
  await runTick(t.db, shopId, new Date(Date.now() + 60 * 60_000), deps);
  expect(await t.db.message.count({ where: { shopId, scenario: "welcome" } })).toBe(0);
});

test("the confirm link: GET shows a button and changes nothing; POST raises consent once (CONFIRMED_OPT_IN), records the subscription, and the welcome starts", async () => {
  const [mail] = await outbox("Guest@Example.JP");
  const link = confirmLinkOf(mail!);
  const page = await fetch(link, { headers: { "accept-language": "ja" } });
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("登録を確定する");
  expect(html).toContain('method="post"');
  expect(await t.db.customer.count({ where: { shopId, emailNormalized: "guest@example.jp" } })).toBe(0);

  const before = Date.now();
  const confirmed = await confirmPost(link);
  expect(confirmed.status).toBe(200);
  expect(await confirmed.text()).toContain("ご登録ありがとうございます");
  const [sub] = await subscriptions();
  expect(sub).toMatchObject({
    variantGid: VARIANT(SOLD_OUT),
    productGid: "gid://shopify/Product/9007199254740993200",
    source: "back_in_stock_confirmed",
    locale: "ja",
  });
  expect(sub!.customer).toMatchObject({
    gid: null,
    emailNormalized: "guest@example.jp",
    emailConsent: "SUBSCRIBED",
    emailConsentSource: "back_in_stock_confirmed",
    emailConsentOptInLevel: "CONFIRMED_OPT_IN",
  });
  expect(sub!.customer.emailConsentAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  const consentAt = sub!.customer.emailConsentAt!.getTime();

  // pressed again (or by a second instance): nothing changes
  const twice = await Promise.all([confirmPost(link), confirmPost(link)]);
  for (const r of twice) expect(r.status).toBe(200);
  expect(await subscriptions()).toHaveLength(1);
  expect(await t.db.customer.count({ where: { shopId, emailNormalized: "guest@example.jp" } })).toBe(1);
  expect(
    (
      await t.db.customer.findFirstOrThrow({ where: { shopId, emailNormalized: "guest@example.jp" } })
    ).emailConsentAt!.getTime(),
  ).toBe(consentAt);
  expect(await outbox("Guest@Example.JP")).toHaveLength(1);

  // the welcome scenario now greets the confirmed person (10 minutes after sign-up)
  const deps = await engineDepsForShop(t.db, SHOP, {
    ...process.env,
    SHOPIFY_API_SECRET: TEST_SECRET,
    SHOPIFY_APP_URL: server.url,
    SENDGRID_API_KEY: "",
  });
  await runTick(t.db, shopId, new Date(Date.now() + 20 * 60_000), deps);
  const welcome = await t.db.message.findMany({ where: { shopId, scenario: "welcome", customerId: sub!.customerId } });
  expect(welcome.map((m) => m.status)).toContain("sent");
});

test("expired, tampered or wrong-kind links are refused and change nothing", async () => {
  const response = await post(signedQuery(params()), {
    email: "late@example.jp",
    variant: SOLD_OUT,
    consent: true,
    locale: "en",
  });
  expect(response.status).toBe(202);
  const [mail] = await outbox("late@example.jp");
  const link = confirmLinkOf(mail!);
  const token = new URL(link).searchParams.get("t")!;
  const request = await t.db.optInRequest.findFirstOrThrow({ where: { shopId, emailNormalized: "late@example.jp" } });
  const secret = mailTokenSecret({ SHOPIFY_API_SECRET: TEST_SECRET });
  const expired = signToken(secret, {
    kind: "confirm",
    shopId,
    messageId: request.id,
    customerId: request.id,
    exp: Math.floor(Date.now() / 1000) - 1,
  });
  const wrongKind = signToken(secret, {
    kind: "unsubscribe",
    shopId,
    messageId: request.id,
    customerId: request.id,
    exp: Math.floor(Date.now() / 1000) + 3600,
  });
  const [body, mac] = token.split(".");
  const forged = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(body!, "base64url").toString()), exp: 4_102_444_800 }),
  ).toString("base64url");
  const cases: [string, string][] = [
    [`${forged}.${mac}`, "not valid"],
    [`${body}.${mac!.slice(0, -2)}AA`, "not valid"],
    [expired, "expired"],
    [wrongKind, "not meant for this page"],
  ];
  for (const [bad, words] of cases) {
    for (const method of ["GET", "POST"]) {
      const res = await fetch(`${server.url}/email/confirm?t=${bad}`, {
        method,
        headers: { "accept-language": "en" },
        ...(method === "POST"
          ? { body: "joren_page=1", headers: { "content-type": "application/x-www-form-urlencoded" } }
          : {}),
      });
      expect(res.status, `${method} ${words}`).toBe(400);
      expect(await res.text()).toContain(words);
    }
  }
  expect(await t.db.customer.count({ where: { shopId, emailNormalized: "late@example.jp" } })).toBe(0);
  expect(await t.db.optInRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
    status: "sent",
    confirmedAt: null,
  });
});

test("one address gets at most 3 confirmation emails a day, whatever variants are typed", async () => {
  const email = "bombed@example.jp";
  const outcomes: string[] = [];
  for (const variant of [SOLD_OUT, ...MORE_SOLD_OUT]) {
    const res = await post(signedQuery(params()), { email, variant, consent: true, locale: "en" });
    outcomes.push(((await res.json()) as { outcome: string }).outcome);
  }
  expect(outcomes).toEqual(["confirm", "confirm", "confirm", "too_many"]);
  expect(await outbox(email)).toHaveLength(3);
});

test("the owner's confirmation is written back to Shopify as CONFIRMED_OPT_IN", async () => {
  const now = new Date();
  const account = await upsertCustomer(
    t.db,
    { shopId, now },
    {
      gid: "gid://shopify/Customer/9007199254740993350",
      email: "account@example.jp",
      firstName: null,
      lastName: null,
      phone: null,
      locale: "en",
      state: null,
      tags: null,
      birthDate: null,
      createdAt: now,
      updatedAt: now,
      consent: { state: "NOT_SUBSCRIBED", optInLevel: null, updatedAt: new Date(now.getTime() - 60_000) },
    },
  );
  // typed by someone not logged in: the account holder must confirm
  const res = await post(signedQuery(params()), { email: "account@example.jp", variant: SOLD_OUT, consent: true });
  expect(res.status).toBe(202);
  expect(await t.db.customer.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
    emailConsent: "NOT_SUBSCRIBED",
  });
  const [mail] = await outbox("account@example.jp");
  const admin = createFakeAdminPort();
  const confirmed = await handleConfirmRequest(
    new Request(confirmLinkOf(mail!), { method: "POST", body: "joren_page=1" }),
    {
      db: t.db,
      secret: mailTokenSecret({ SHOPIFY_API_SECRET: TEST_SECRET }),
      adminPortFor: async () => admin,
    },
  );
  expect(confirmed.status).toBe(200);
  expect(admin.calls).toContainEqual({
    op: "updateEmailConsent",
    customerGid: "gid://shopify/Customer/9007199254740993350",
    state: "SUBSCRIBED",
    optInLevel: "CONFIRMED_OPT_IN",
  });
  expect(await t.db.customer.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
    emailConsent: "SUBSCRIBED",
    emailConsentOptInLevel: "CONFIRMED_OPT_IN",
    emailConsentSource: "back_in_stock_confirmed",
  });
  expect(await t.db.backInStockSubscription.count({ where: { customerId: account.id } })).toBe(1);
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

test("a logged-in customer typing their own account address subscribes at once; typing another address needs that address's confirmation; an unsubscribed address is never re-subscribed from the storefront", async () => {
  const now = new Date();
  const customer = (gid: string, email: string, state: "NOT_SUBSCRIBED" | "UNSUBSCRIBED") =>
    upsertCustomer(
      t.db,
      { shopId, now },
      {
        gid,
        email,
        firstName: null,
        lastName: null,
        phone: null,
        locale: "en",
        state: null,
        tags: null,
        birthDate: null,
        createdAt: now,
        updatedAt: now,
        consent: { state, optInLevel: "SINGLE_OPT_IN", updatedAt: new Date(now.getTime() - 60_000) },
      },
    );
  const member = await customer("gid://shopify/Customer/9007199254740993301", "member@example.jp", "NOT_SUBSCRIBED");
  const gone = await customer("gid://shopify/Customer/9007199254740993302", "gone@example.jp", "UNSUBSCRIBED");

  const plain = await post(
    signedQuery(params("9007199254740993301")),
    { email: "member@example.jp", variant: SOLD_OUT, consent: "on", return_to: "/products/gyokuro" },
    false,
  );
  expect(plain.status).toBe(200);
  expect(plain.headers.get("content-type")).toMatch(/^application\/liquid/);
  const confirmation = await plain.text();
  expect(confirmation).toContain('data-joren-outcome="joren_back_in_stock=subscribed"');
  expect(confirmation).toContain('<a href="/products/gyokuro">');
  expect(await t.db.customer.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({
    emailConsent: "SUBSCRIBED",
    emailConsentSource: "back_in_stock_form",
    emailConsentOptInLevel: "SINGLE_OPT_IN",
  });
  expect(await t.db.backInStockSubscription.count({ where: { customerId: member.id } })).toBe(1);
  expect(await outbox("member@example.jp")).toHaveLength(0);

  // logged in, but typing someone else's address: that address's owner must confirm
  const other = await post(signedQuery(params("9007199254740993301")), {
    email: "victim@example.jp",
    variant: SOLD_OUT,
    consent: true,
  });
  expect(other.status).toBe(202);
  expect(await other.json()).toMatchObject({ outcome: "confirm" });
  expect(await t.db.customer.count({ where: { shopId, emailNormalized: "victim@example.jp" } })).toBe(0);
  expect(await outbox("victim@example.jp")).toHaveLength(1);
  expect(await t.db.customer.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({
    email: "member@example.jp",
  });

  const refused = await post(signedQuery(params()), {
    email: "gone@example.jp",
    variant: SOLD_OUT,
    consent: true,
    locale: "en",
  });
  expect(refused.status).toBe(409);
  expect(await refused.json()).toMatchObject({
    outcome: "unsubscribed",
    message: expect.stringContaining("sign up for our emails again"),
  });
  expect(await t.db.customer.findUniqueOrThrow({ where: { id: gone.id } })).toMatchObject({
    emailConsent: "UNSUBSCRIBED",
  });
  expect(await t.db.backInStockSubscription.count({ where: { customerId: gone.id } })).toBe(0);
  // an open redirect is not possible: only a path on the storefront
  const external = await post(
    signedQuery(params("9007199254740993301")),
    { email: "member@example.jp", variant: SOLD_OUT, consent: "on", return_to: "//evil.example" },
    false,
  );
  const externalPage = await external.text();
  expect(externalPage).toContain('data-joren-outcome="joren_back_in_stock=already"');
  expect(externalPage).toContain('<a href="/">');
});
