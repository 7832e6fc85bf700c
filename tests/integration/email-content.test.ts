// The merchant's email content end to end: saved through the scenario page's action (real
// server, real session token), refused input writes nothing, the live preview renders the
// draft, every send uses the saved wording and brand, and the test send goes to the typed
// address as a chosen mirror customer, is no ledger send, creates no coupon and is rate-limited.
import type { Db } from "~/db.server";
import { upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import { runTick, type EngineDeps } from "~/modules/engine/tick.server";
import { TEST_SENDS_PER_HOUR } from "~/modules/admin/scenarios/scenario-preview.server";
import { createOutboxTransport } from "~/modules/delivery/mail/outbox-transport";
import { createPrismaOutboxStore } from "~/modules/delivery/mail/prisma-outbox-store.server";
import { onboardShop } from "~/modules/admin/shops/onboard-shop.server";
import { createFakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { startAppServer, TEST_SECRET, type AppServer } from "../helpers/app-server";
import { createTestDb, type TestDb } from "../helpers/db";
import { enableScenario, registerSendingShop } from "../helpers/sending-shop";
import { mintSessionToken } from "../helpers/session-token";

const SHOP = "email-content.myshopify.com";
const OTHER = "email-other.myshopify.com";
const ROUTE = "routes/app.scenarios.$key";
const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

let t: TestDb;
let db: Db;
let server: AppServer;
let shopId: string;
let otherShopId: string;

const blank = { subject: "", preheader: "", heading: "", body: "", buttonLabel: "" };
const noBrand = { shopName: "", logoUrl: "", headerColor: "", buttonColor: "", footerJa: "", footerEn: "" };

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  shopId = await registerSendingShop(db, SHOP, ["holdoutPercent=0", "quietHours=off"]);
  otherShopId = await registerSendingShop(db, OTHER, []);
  server = await startAppServer({ databaseUrl: t.url });
});
afterAll(async () => {
  await server?.stop();
  await t?.close();
});

async function post(
  path: string,
  body: unknown,
  routeId = ROUTE,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const token = mintSessionToken({ shop: SHOP, apiKey: "test-api-key", secret: TEST_SECRET });
  const response = await fetch(`${server.url}${path}?_data=${encodeURIComponent(routeId)}`, {
    method: "POST",
    // authenticate.admin answers bots 410; the admin is a browser
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "User-Agent": BROWSER_UA },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${path} answered ${response.status} ${text.slice(0, 300)}\n${server.output().slice(-2000)}`);
  }
  return { status: response.status, json };
}

const content = {
  ja: { ...blank, subject: "{{first_name|お客}}様、{{shop_name}}へようこそ", heading: "はじめまして" },
  en: {
    ...blank,
    subject: "Welcome aboard, {{first_name|friend}}",
    body: "We roast every Monday.\n\nUse {{coupon}} on your first order.",
    buttonLabel: "Shop the roast",
  },
};
const brand = {
  ...noBrand,
  shopName: "Kissa Tea",
  logoUrl: "https://cdn.shopify.com/s/files/logo.png",
  buttonColor: "#0f766e",
  footerEn: "Brewed in Kyoto by {{shop_name}}",
};

test("saving stores both languages and the brand; refused input writes nothing and says why", async () => {
  const saved = await post("/app/scenarios/welcome", { intent: "saveContent", content, brand });
  expect(saved).toEqual({ status: 200, json: { intent: "saveContent", ok: true } });
  const rows = await db.emailContent.findMany({ where: { shopId, scenario: "welcome" }, orderBy: { locale: "asc" } });
  expect(rows.map((r) => [r.locale, r.subject, r.preheader])).toEqual([
    ["en", "Welcome aboard, {{first_name|friend}}", null],
    ["ja", "{{first_name|お客}}様、{{shop_name}}へようこそ", null],
  ]);
  expect(await db.emailBrand.findUniqueOrThrow({ where: { shopId } })).toMatchObject({
    shopName: "Kissa Tea",
    buttonColor: "#0f766e",
    headerColor: null,
  });

  const refused = await post("/app/scenarios/welcome", {
    intent: "saveContent",
    content: {
      ...content,
      ja: { ...content.ja, subject: "件名\r\nBcc: x@example.com" },
      en: { ...content.en, body: "You have {{points}} points" },
    },
    brand: { ...brand, shopName: "Changed", logoUrl: "http://cdn.example/logo.png" },
  });
  expect(refused.status).toBe(400);
  expect((refused.json.errors as { field: string; code: string }[]).map((e) => `${e.field}:${e.code}`).sort()).toEqual([
    "brand.logoUrl:logo_url",
    "en.body:merge_unknown",
    "ja.subject:line_break",
  ]);
  expect((await db.emailBrand.findUniqueOrThrow({ where: { shopId } })).shopName).toBe("Kissa Tea");
  expect(
    (await db.emailContent.findFirstOrThrow({ where: { shopId, scenario: "welcome", locale: "ja" } })).subject,
  ).toContain("ようこそ");
  expect(await db.emailContent.count({ where: { shopId: otherShopId } })).toBe(0);
});

test("the live preview renders the draft without storing it, and checks it like a save", async () => {
  const draft = { ...content, en: { ...content.en, heading: "Draft <b>heading</b>" } };
  const preview = await post(
    "/app/scenarios/welcome/preview",
    { content: draft, brand },
    "routes/app.scenarios.$key.preview",
  );
  expect(preview.status).toBe(200);
  const en = preview.json.en as { subject: string; html: string };
  expect(en.subject).toBe("Welcome aboard, Hana");
  expect(en.html).toContain("Draft &lt;b&gt;heading&lt;/b&gt;</h1>");
  expect(en.html).toContain('alt="Kissa Tea"');
  expect(en.html).toContain("Brewed in Kyoto by Kissa Tea");
  expect((preview.json.ja as { subject: string }).subject).toBe("花子様、Kissa Teaへようこそ");
  expect(
    (await db.emailContent.findFirstOrThrow({ where: { shopId, scenario: "welcome", locale: "en" } })).heading,
  ).toBeNull();

  const invalid = await post(
    "/app/scenarios/welcome/preview",
    { content: { ...draft, en: { ...draft.en, subject: "{{first_name" } }, brand },
    "routes/app.scenarios.$key.preview",
  );
  expect(invalid.status).toBe(422);
  expect(invalid.json.errors).toEqual([expect.objectContaining({ field: "en.subject", code: "merge_broken" })]);
});

test("the points preview shows a balance and an expiry date", async () => {
  const preview = await post(
    "/app/scenarios/points_statement/preview",
    { content: { ja: blank, en: blank }, brand },
    "routes/app.scenarios.$key.preview",
  );
  const en = preview.json.en as { subject: string; html: string };
  expect(en.subject).toBe("Your Kissa Tea balance: 1,250 points");
  expect(en.html).toMatch(/300 of them expire on [A-Z][a-z]+ \d{1,2}, \d{4}\./);
});

test("a send uses the saved wording and brand", async () => {
  await enableScenario(db, shopId, "welcome", ["incentive.kind=none"]);
  const now = new Date();
  await upsertCustomer(
    db,
    { shopId, now },
    {
      gid: "gid://shopify/Customer/7001",
      email: "mei@example.com",
      firstName: "Mei",
      lastName: "Ito",
      phone: null,
      locale: "en",
      state: "enabled",
      tags: null,
      consent: { state: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", updatedAt: new Date(now.getTime() - 3_600_000) },
      birthDate: null,
      createdAt: new Date(now.getTime() - 3_600_000),
      updatedAt: new Date(now.getTime() - 3_600_000),
    },
  );
  const deps: EngineDeps = {
    transport: createOutboxTransport(createPrismaOutboxStore(db, shopId)),
    admin: createFakeAdminPort({}),
    appUrl: "https://joren.test",
    mailSecret: "s".repeat(40),
  };
  await runTick(db, shopId, now, deps);
  const email = await db.outboxEmail.findFirstOrThrow({ where: { shopId, toEmail: "mei@example.com" } });
  expect(email.subject).toBe("Welcome aboard, Mei");
  expect(email.html).toContain("We roast every Monday.");
  expect(email.html).toContain(">Shop the roast</a>");
  expect(email.html).toContain('bgcolor="#0f766e"');
  expect(email.text).toContain("Brewed in Kyoto by Kissa Tea");
});

test("a test send goes to the typed address as the chosen customer, is no ledger send and is rate-limited", async () => {
  const customer = await db.customer.create({
    data: {
      shopId,
      gid: "gid://shopify/Customer/7002",
      email: "sora@example.com",
      emailNormalized: "sora@example.com",
      firstName: "Sora",
      phase: "prospect",
    },
  });
  const messagesBefore = await db.message.count({ where: { shopId } });
  const sent = await post("/app/scenarios/welcome", {
    intent: "testSend",
    locale: "en",
    to: "qa@agency.example",
    customerId: customer.id,
  });
  expect(sent).toEqual({
    status: 200,
    json: { intent: "testSend", ok: true, to: "qa@agency.example", transport: expect.any(String) },
  });
  const email = await db.outboxEmail.findFirstOrThrow({ where: { shopId, toEmail: "qa@agency.example" } });
  expect(email.subject).toBe("[Test] Welcome aboard, Sora");
  expect(JSON.parse(email.headers)).toMatchObject({
    customArgs: { joren_test: "1" },
    categories: ["joren", "test", "welcome"],
  });
  expect(await db.message.count({ where: { shopId } })).toBe(messagesBefore);

  const badAddress = await post("/app/scenarios/welcome", { intent: "testSend", locale: "en", to: "not an address" });
  expect(badAddress).toEqual({ status: 400, json: { intent: "testSend", ok: false, problem: "bad_address" } });
  const otherShopsCustomer = await db.customer.create({
    data: {
      shopId: otherShopId,
      gid: "gid://shopify/Customer/7003",
      email: "x@example.com",
      emailNormalized: "x@example.com",
      firstName: "X",
    },
  });
  const foreign = await post("/app/scenarios/welcome", {
    intent: "testSend",
    locale: "en",
    to: "qa@agency.example",
    customerId: otherShopsCustomer.id,
  });
  expect(foreign.json).toMatchObject({ ok: false, problem: "unknown_customer" });

  for (let i = 1; i < TEST_SENDS_PER_HOUR; i++) {
    expect(
      (await post("/app/scenarios/welcome", { intent: "testSend", locale: "ja", to: "qa@agency.example" })).json.ok,
    ).toBe(true);
  }
  const limited = await post("/app/scenarios/welcome", { intent: "testSend", locale: "ja", to: "qa@agency.example" });
  expect(limited.json).toMatchObject({ ok: false, problem: "rate_limited" });
  expect(await db.outboxEmail.count({ where: { shopId, toEmail: "qa@agency.example" } })).toBe(TEST_SENDS_PER_HOUR);
});

test("onboarding takes the shop's name from Shopify, so emails never show the domain", async () => {
  const domain = "fresh-install.myshopify.com";
  await registerSendingShop(db, domain, []);
  expect((await db.shop.findUniqueOrThrow({ where: { domain } })).name).toBe("fresh-install");
  await onboardShop({
    db,
    domain,
    appUrl: "https://joren.test",
    admin: createFakeAdminPort({ shop: { name: "茶房 Kissa" } }),
    runImport: false,
  });
  expect((await db.shop.findUniqueOrThrow({ where: { domain } })).name).toBe("茶房 Kissa");
});
