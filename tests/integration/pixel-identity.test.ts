// Who storefront browsing belongs to, over HTTP against the real server build: the pixel's
// customer id and email are unsigned claims and never route mail; a browser is linked to a
// person only when a signed checkouts/* webhook of the same shop shares a token with the
// browser's checkout_started (ADR 0024). Then the engine decides browse abandonment from what
// was stored, and only the shop's own catalogue products are shown.
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { waitForPixelEvents } from "~/modules/ingest/pixel/wait-for-pixel.server";
import { recordProduct } from "~/modules/mirror/catalog/record-product.server";
import { upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import { runTick, type EngineDeps } from "~/modules/engine/tick.server";
import { createOutboxTransport } from "~/modules/delivery/mail/outbox-transport";
import { createPrismaOutboxStore } from "~/modules/delivery/mail/prisma-outbox-store.server";
import { createFakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { createTestDb, type TestDb } from "../helpers/db";
import { enableScenario, registerSendingShop } from "../helpers/sending-shop";
import { postWebhook, waitForInbox } from "../helpers/webhooks";

const SHOP = "pixel-identity.myshopify.com";
const OTHER = "pixel-identity-other.myshopify.com";
const TEA = { product: "9007199254740993001", variant: "9007199254740993002" };
// a product id the shop's catalogue does not have, sent with a URL of the caller's choosing
const FORGED = { product: "9007199254740999999", variant: "9007199254740999998" };
const MIN = 60_000;

// The server checks pixel timestamps against its own clock (30 days back, 1 day ahead), so the
// events are placed relative to one instant taken here; the engine's clock is injected from it.
const START = new Date();
const ago = (minutes: number) => new Date(START.getTime() - minutes * MIN).toISOString();
const afterDelay = new Date(START.getTime() + 3 * 60 * MIN);

let t: TestDb;
let db: Db;
let server: AppServer;
let shopId: string;
let otherShopId: string;
let deps: EngineDeps;
let serial = 0;

async function customer(shop: string, name: string) {
  serial += 1;
  const gid = `gid://shopify/Customer/${9007199254741000n + BigInt(serial)}`;
  const email = `${name}@example.jp`;
  const { id } = await upsertCustomer(
    db,
    { shopId: shop, now: new Date(START.getTime() - 30 * 24 * 60 * MIN) },
    {
      gid,
      email,
      firstName: name,
      lastName: null,
      phone: null,
      locale: "ja",
      state: "enabled",
      tags: null,
      consent: {
        state: "SUBSCRIBED",
        optInLevel: "SINGLE_OPT_IN",
        updatedAt: new Date(START.getTime() - 30 * 24 * 60 * MIN),
      },
      birthDate: null,
      createdAt: new Date(START.getTime() - 30 * 24 * 60 * MIN),
      updatedAt: new Date(START.getTime() - 30 * 24 * 60 * MIN),
    },
  );
  return { id, gid, email };
}

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  shopId = await registerSendingShop(db, SHOP, ["holdoutPercent=0", "quietHours=off"]);
  otherShopId = await registerSendingShop(db, OTHER, ["holdoutPercent=0", "quietHours=off"]);
  await enableScenario(db, shopId, "browse_abandonment");
  const long = new Date(START.getTime() - 60 * 24 * 60 * MIN);
  await recordProduct(
    db,
    { shopId, now: long },
    {
      gid: `gid://shopify/Product/${TEA.product}`,
      title: "煎茶 Sencha",
      handle: "sencha",
      status: "active",
      productType: "Tea",
      vendor: null,
      tags: null,
      imageUrl: "https://cdn.example/sencha.jpg",
      publishedAt: long,
      updatedAt: long,
      variants: [
        {
          gid: `gid://shopify/ProductVariant/${TEA.variant}`,
          title: "100g",
          sku: null,
          price: 1_620_000n,
          inventoryItemGid: null,
          inventoryQuantity: 10,
          inventoryPolicy: "deny",
          updatedAt: long,
        },
      ],
    },
  );
  deps = {
    transport: createOutboxTransport(createPrismaOutboxStore(db, shopId)),
    admin: createFakeAdminPort({}),
    appUrl: "https://joren.test",
    mailSecret: "s".repeat(40),
  };
  server = await startAppServer({ databaseUrl: t.url, env: { JOREN_LOG_LEVEL: "error" } });
});
afterAll(async () => {
  await server?.stop();
  await t?.close();
});

function viewed(clientId: string, minutesAgo: number, ids = TEA, extra: Record<string, unknown> = {}) {
  return {
    id: `evt-${randomUUID()}`,
    name: "product_viewed",
    clientId,
    timestamp: ago(minutesAgo),
    context: { document: { location: { href: `https://evil.example/${ids.product}` } } },
    data: {
      productVariant: {
        id: ids.variant,
        title: "Free gift card",
        price: { amount: 1 },
        product: { id: ids.product, title: "Claim your prize", url: "https://evil.example/phish" },
      },
      ...extra,
    },
  };
}

function checkoutStarted(clientId: string, minutesAgo: number, token: string, email: string | null = null) {
  return {
    id: `evt-${randomUUID()}`,
    name: "checkout_started",
    clientId,
    timestamp: ago(minutesAgo),
    data: { checkout: { token, email, lineItems: [] } },
  };
}

/** Posts pixel events for a shop and waits until the server's queue wrote them. */
async function pixel(shop: string, customerClaim: { id?: unknown; email?: string } | null, events: unknown[]) {
  const id = shop === SHOP ? shopId : otherShopId;
  const before = await db.behaviourEvent.count({ where: { shopId: id } });
  const res = await fetch(`${server.url}/pixel/events`, {
    method: "POST",
    headers: { "content-type": "text/plain;charset=UTF-8" },
    body: JSON.stringify({ shop, customer: customerClaim, events }),
  });
  expect(res.status).toBe(200);
  expect(await waitForPixelEvents(db, id, before + events.length, 15_000)).toBe(true);
}

/** Shopify's signed checkouts/create for the shop: the checkout with this token and email. */
async function checkoutWebhook(shop: string, token: string, email: string, minutesAgo: number) {
  serial += 1;
  const body = JSON.stringify({
    id: 9007199254760000 + serial,
    token,
    cart_token: null,
    email,
    customer: null,
    customer_locale: "ja",
    currency: "JPY",
    total_price: "1620",
    buyer_accepts_marketing: false,
    line_items: [],
    completed_at: null,
    created_at: ago(minutesAgo),
    updated_at: ago(minutesAgo),
  });
  const res = await postWebhook(server.url, { topic: "checkouts/create", shop, body });
  expect(res.status).toBe(200);
  await waitForInbox(db);
}

async function browseMailsTo(customerId: string) {
  const rows = await db.message.findMany({
    where: { shopId, customerId, scenario: "browse_abandonment" },
    select: { id: true, status: true, reason: true },
  });
  const sent = await db.outboxEmail.findMany({
    where: { messageId: { in: rows.filter((r) => r.status === "sent").map((r) => r.id) } },
    select: { html: true, text: true },
  });
  return { rows, sent };
}

describe("claims never route mail", () => {
  test("a forged email or another person's customer id gets that person no browse mail", async () => {
    const victim = await customer(shopId, "victim");
    // the forger claims the victim's id and email, then the email alone, then the numeric id alone
    await pixel(SHOP, { id: victim.gid, email: victim.email }, [viewed("forger-1", 30)]);
    await pixel(SHOP, { email: victim.email.toUpperCase() }, [viewed("forger-2", 25)]);
    await pixel(SHOP, { id: victim.gid.split("/").pop() }, [viewed("forger-3", 20)]);
    // and a checkout_started naming the victim's email with a token Shopify never sent
    await pixel(SHOP, null, [
      checkoutStarted("forger-4", 40, `forged-${randomUUID()}`, victim.email),
      viewed("forger-4", 15),
    ]);

    await runTick(db, shopId, afterDelay, deps);
    expect(await browseMailsTo(victim.id)).toEqual({ rows: [], sent: [] });
    expect(await db.behaviourEvent.count({ where: { shopId, customerId: victim.id } })).toBe(0);
    // the claims are kept, as claims
    const forger = await db.visitor.findUniqueOrThrow({ where: { shopId_clientId: { shopId, clientId: "forger-1" } } });
    expect(forger).toMatchObject({
      customerId: null,
      linkedVia: null,
      email: victim.email,
      claimedCustomerGid: victim.gid,
    });
  });
});

describe("a browser linked by a checkout token join", () => {
  test("gets browse mail with the catalogue's products only; a claim naming someone else is ignored", async () => {
    const shopper = await customer(shopId, "shopper");
    const bystander = await customer(shopId, "bystander");
    const token = `ck-${randomUUID()}`;
    // yesterday: a checkout from this browser; Shopify's signed webhook for it arrives after
    const page = {
      id: `evt-${randomUUID()}`,
      name: "page_viewed",
      clientId: "shopper-browser",
      timestamp: ago(26 * 60),
      data: {},
    };
    await pixel(SHOP, null, [page, checkoutStarted("shopper-browser", 25 * 60, token)]);
    expect(
      (await db.visitor.findUniqueOrThrow({ where: { shopId_clientId: { shopId, clientId: "shopper-browser" } } }))
        .customerId,
    ).toBeNull();
    await checkoutWebhook(SHOP, token, shopper.email, 25 * 60);
    const linked = await db.visitor.findUniqueOrThrow({
      where: { shopId_clientId: { shopId, clientId: "shopper-browser" } },
    });
    expect(linked).toMatchObject({ customerId: shopper.id, linkedVia: "checkout" });
    // the earlier anonymous page view belongs to the same person
    expect(
      await db.behaviourEvent.count({ where: { shopId, clientId: "shopper-browser", customerId: shopper.id } }),
    ).toBe(2);

    // today: views of a catalogue product and of a forged one, the request claiming the bystander
    await pixel(SHOP, { id: bystander.gid, email: bystander.email }, [
      viewed("shopper-browser", 20, FORGED),
      viewed("shopper-browser", 10),
    ]);
    expect(
      await db.behaviourEvent.count({ where: { shopId, clientId: "shopper-browser", customerId: shopper.id } }),
    ).toBe(4);

    await runTick(db, shopId, afterDelay, deps);
    const mail = await browseMailsTo(shopper.id);
    expect(mail.rows.map((r) => r.status)).toEqual(["sent"]);
    expect(mail.sent).toHaveLength(1);
    const { html, text } = mail.sent[0]!;
    expect(html).toContain("煎茶 Sencha");
    expect(html).toContain("https://cdn.example/sencha.jpg");
    for (const body of [html, text]) {
      expect(body).not.toContain("evil.example");
      expect(body).not.toContain("Claim your prize");
      expect(body).not.toContain("Free gift card");
    }
    expect(await browseMailsTo(bystander.id)).toEqual({ rows: [], sent: [] });
  });

  test("a webhook first, then the browser's checkout_started, links it too", async () => {
    const buyer = await customer(shopId, "early-webhook");
    const token = `ck-${randomUUID()}`;
    await checkoutWebhook(SHOP, token, buyer.email, 24 * 60);
    await pixel(SHOP, null, [checkoutStarted("early-browser", 24 * 60, token), viewed("early-browser", 10)]);
    expect(
      await db.visitor.findUniqueOrThrow({ where: { shopId_clientId: { shopId, clientId: "early-browser" } } }),
    ).toMatchObject({ customerId: buyer.id, linkedVia: "checkout" });
    expect(await db.behaviourEvent.count({ where: { shopId, clientId: "early-browser", customerId: buyer.id } })).toBe(
      2,
    );
  });

  test("a linked browser that viewed only products outside the catalogue gets no mail", async () => {
    const browser = await customer(shopId, "forged-only");
    const token = `ck-${randomUUID()}`;
    await pixel(SHOP, null, [checkoutStarted("forged-only-browser", 24 * 60, token)]);
    await checkoutWebhook(SHOP, token, browser.email, 24 * 60);
    await pixel(SHOP, null, [viewed("forged-only-browser", 10, FORGED)]);
    await runTick(db, shopId, afterDelay, deps);
    const mail = await browseMailsTo(browser.id);
    expect(mail.sent).toEqual([]);
    expect(mail.rows.map((r) => r.status)).toEqual(["skipped"]);
    expect(mail.rows[0]!.reason).toMatch(/^nothing left to show/);
  });
});

describe("tokens join within one shop only", () => {
  test("another shop's checkout with the same token links nobody, whichever arrives first", async () => {
    const elsewhere = await customer(otherShopId, "elsewhere");
    const here = await customer(shopId, "here");
    // the pixel in SHOP first, the other shop's signed checkout after
    const first = `ck-${randomUUID()}`;
    await pixel(SHOP, null, [checkoutStarted("cross-1", 60, first), viewed("cross-1", 10)]);
    await checkoutWebhook(OTHER, first, elsewhere.email, 60);
    // the other shop's signed checkout first, the pixel in SHOP after
    const second = `ck-${randomUUID()}`;
    await checkoutWebhook(OTHER, second, elsewhere.email, 50);
    await pixel(SHOP, null, [checkoutStarted("cross-2", 50, second), viewed("cross-2", 10)]);
    // and SHOP's own checkout does not link a browser of the other shop with that token
    const third = `ck-${randomUUID()}`;
    await checkoutWebhook(SHOP, third, here.email, 40);
    await pixel(OTHER, null, [checkoutStarted("cross-3", 40, third)]);

    const visitors = await db.visitor.findMany({
      where: { clientId: { in: ["cross-1", "cross-2", "cross-3"] } },
      select: { customerId: true },
    });
    expect(visitors).toHaveLength(3);
    expect(visitors.every((v) => v.customerId === null)).toBe(true);
    expect(
      await db.behaviourEvent.count({
        where: { clientId: { in: ["cross-1", "cross-2", "cross-3"] }, customerId: { not: null } },
      }),
    ).toBe(0);
  });
});
