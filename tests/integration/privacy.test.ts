// Privacy, end to end over HTTP against the real server (debug logging, scheduler on): a person
// arrives by webhooks and the pixel, gets a cart reminder from the scheduled tick, opens the
// unsubscribe page and unsubscribes, the merchant requests their data, then customers/redact.
// 1) The server's whole log output never holds their email, name, phone or address.
// 2) After customers/redact no row of any table (every model, read generically, so tables added
//    later are covered too) holds their email, name, phone, address or Shopify customer id.
import { Prisma, type Db } from "~/db.server";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { enableScenario, registerSendingShop } from "../helpers/sending-shop";
import { createTestDb, type TestDb } from "../helpers/db";
import { postWebhook, waitForInbox } from "../helpers/webhooks";
import { waitUntil } from "../helpers/wait-until";

const SHOP = "privacy-test.myshopify.com";
const CUSTOMER_ID = "9007199254812345";
const EMAIL = "Hanako.Privacy@Example.org";
const FIRST = "HanakoPrivacy";
const LAST = "YamadaPrivacy";
const PHONE = "+819055551234";
const STREET = "1-2-3 SecretStreet";
const PII = [EMAIL, EMAIL.toLowerCase(), FIRST, LAST, PHONE, STREET];
// The server's clock starts here (JOREN_TEST_CLOCK): the person's history is dated before it, and
// the scheduled ticks, the pixel's window and the unsubscribe link read the server's time from it.
const T0 = new Date("2026-03-02T01:00:00.000Z");

let t: TestDb;
let db: Db;
let shopId: string;
let server: AppServer;

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  shopId = await registerSendingShop(db, SHOP, ["holdoutPercent=0", "quietHours=off"]);
  await enableScenario(db, shopId, "cart_abandonment");
  server = await startAppServer({
    databaseUrl: t.url,
    clock: T0,
    env: {
      JOREN_LOG_LEVEL: "debug",
      JOREN_DISABLE_SCHEDULER: "0",
      JOREN_TICK_CRON: "*/2 * * * * *",
      JOREN_MAIL_TOKEN_SECRET: "s".repeat(40),
    },
  });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await t?.close();
});

const iso = (minutesAgo: number) => new Date(T0.getTime() - minutesAgo * 60_000).toISOString();
const address = `{"first_name":"${FIRST}","last_name":"${LAST}","address1":"${STREET}","city":"Tokyo","zip":"150-0001","country":"Japan","phone":"${PHONE}"}`;
const customerJson = (minutesAgo: number) =>
  `{"id":${CUSTOMER_ID},"admin_graphql_api_id":"gid://shopify/Customer/${CUSTOMER_ID}","email":"${EMAIL}","first_name":"${FIRST}","last_name":"${LAST}","phone":"${PHONE}","state":"enabled","locale":"ja","tags":"","created_at":"${iso(60 * 24 * 40)}","updated_at":"${iso(minutesAgo)}","email_marketing_consent":{"state":"subscribed","opt_in_level":"single_opt_in","consent_updated_at":"${iso(60 * 24 * 40)}"},"default_address":${address},"addresses":[${address}]}`;

/** As Shopify delivers: a 503 (database busy while the scheduler ticks) is retried with the same id. */
async function send(topic: string, body: string) {
  const webhookId = `priv-${topic}-${Date.now()}`;
  // triggered on the server's clock, as Shopify's deliveries are on the real one
  const triggeredAt = server.now();
  const res = await waitUntil(
    async () => {
      const attempt = await postWebhook(server.url, { topic, shop: SHOP, body, webhookId, triggeredAt });
      return attempt.status === 503 ? undefined : attempt;
    },
    { what: `${topic} to be taken (not 503)`, timeoutMs: 30_000, intervalMs: 1000 },
  );
  expect(res.status, `${topic}: ${await res.clone().text()}`).toBe(200);
}

test(
  "no PII in the logs through webhook, pixel, tick, unsubscribe, data request and redaction; afterwards no trace in any table",
  { timeout: 240_000 },
  async () => {
    await send("customers/update", customerJson(60 * 24 * 30));
    await send(
      "orders/create",
      `{"id":9007199254899001,"admin_graphql_api_id":"gid://shopify/Order/9007199254899001","name":"#P1","email":"${EMAIL}","phone":"${PHONE}","currency":"JPY","total_price":"1620","subtotal_price":"1620","total_discounts":"0","financial_status":"paid","fulfillment_status":null,"cancelled_at":null,"processed_at":"${iso(60 * 24 * 20)}","created_at":"${iso(60 * 24 * 20)}","updated_at":"${iso(60 * 24 * 20)}","discount_codes":[],"checkout_token":"priv-old","source_name":"web","customer_locale":"ja","test":false,"buyer_accepts_marketing":true,"customer":${customerJson(60 * 24 * 30)},"billing_address":${address},"shipping_address":${address},"line_items":[],"refunds":[]}`,
    );
    await send(
      "checkouts/create",
      `{"id":9007199254899101,"token":"priv-checkout","cart_token":null,"email":"${EMAIL}","phone":"${PHONE}","currency":"JPY","presentment_currency":"JPY","total_price":"1620","abandoned_checkout_url":"https://${SHOP}/checkouts/priv-checkout/recover","buyer_accepts_marketing":true,"customer_locale":"ja","completed_at":null,"created_at":"${iso(120)}","updated_at":"${iso(120)}","customer":${customerJson(60 * 24 * 30)},"billing_address":${address},"shipping_address":${address},"line_items":[{"product_id":9007199254899201,"variant_id":9007199254899301,"title":"Sencha","variant_title":null,"quantity":1,"price":"1620","variant_price":"1620","line_price":"1620"}]}`,
    );
    const pixel = await fetch(`${server.url}/pixel/events`, {
      method: "POST",
      headers: { "content-type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({
        shop: SHOP,
        customer: { id: `gid://shopify/Customer/${CUSTOMER_ID}`, email: EMAIL },
        event: {
          id: "priv-evt-1",
          name: "product_viewed",
          clientId: "priv-client",
          timestamp: iso(5),
          context: { document: { location: { href: `https://${SHOP}/products/tea?email=${EMAIL}` } } },
          data: {
            productVariant: { id: "9007199254899301", product: { id: "9007199254899201", url: "/products/tea" } },
          },
        },
      }),
    });
    expect(pixel.status).toBe(200);
    await waitForInbox(db, 60_000);

    // the scheduled tick sends the cart reminder
    const outbox = await waitUntil(() => db.outboxEmail.findFirst({ where: { shopId } }), {
      what: "the scheduled tick's cart reminder",
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    expect(outbox.toEmail).toBe(EMAIL);
    // the tick ran on the server's clock (JOREN_TEST_CLOCK), not the wall clock
    const reminder = await waitUntil(
      () => db.message.findFirst({ where: { shopId, status: "sent" }, select: { sentAt: true } }),
      { what: "the cart reminder marked sent", timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(reminder.sentAt!.getTime()).toBeGreaterThanOrEqual(T0.getTime());
    expect(reminder.sentAt!.getTime()).toBeLessThanOrEqual(server.now().getTime());
    const unsubscribe = /https?:\/\/[^"\s]+\/email\/unsubscribe\?t=[A-Za-z0-9_.-]+/
      .exec(outbox.html)![0]
      .replace(/^https:\/\/joren\.test/, server.url)
      .replace(/^https?:\/\/[^/]+/, server.url);
    expect((await fetch(unsubscribe)).status).toBe(200);
    expect((await fetch(unsubscribe, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);
    expect(await db.suppression.count({ where: { shopId } })).toBe(1);
    const suppression = await db.suppression.findFirstOrThrow({ where: { shopId }, select: { at: true } });
    expect(suppression.at.getTime()).toBeGreaterThanOrEqual(reminder.sentAt!.getTime());
    expect(suppression.at.getTime()).toBeLessThanOrEqual(server.now().getTime());

    // a notify-me request for the address waiting for its double opt-in confirmation (ADR 0023)
    await db.optInRequest.create({
      data: {
        shopId,
        email: EMAIL,
        emailNormalized: EMAIL.toLowerCase(),
        purpose: "back_in_stock",
        variantGid: "gid://shopify/ProductVariant/9007199254899301",
        status: "sent",
        requestedAt: T0,
        expiresAt: new Date(T0.getTime() + 3_600_000),
      },
    });

    await send(
      "customers/data_request",
      `{"shop_id":1,"shop_domain":"${SHOP}","orders_requested":[9007199254899001],"customer":{"id":${CUSTOMER_ID},"email":"${EMAIL}","phone":"${PHONE}"},"data_request":{"id":777}}`,
    );
    await waitForInbox(db, 30_000);
    await send(
      "customers/redact",
      `{"shop_id":1,"shop_domain":"${SHOP}","customer":{"id":${CUSTOMER_ID},"email":"${EMAIL}","phone":"${PHONE}"},"orders_to_redact":[9007199254899001]}`,
    );
    await waitForInbox(db, 30_000);

    // 1) logs: debug level, the whole run
    const logs = server.output();
    expect(logs.length).toBeGreaterThan(0);
    for (const value of PII)
      expect(logs.toLowerCase(), `the server log holds "${value}"`).not.toContain(value.toLowerCase());

    // 2) every table, every row, every column
    const traces: string[] = [];
    for (const model of Object.values(Prisma.ModelName)) {
      const delegate = (
        db as unknown as Record<string, { findMany(args: object): Promise<Record<string, unknown>[]> }>
      )[model[0]!.toLowerCase() + model.slice(1)];
      const rows = await delegate!.findMany({});
      for (const row of rows) {
        const text = JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)).toLowerCase();
        for (const value of [...PII, CUSTOMER_ID]) {
          if (text.includes(value.toLowerCase())) traces.push(`${model} ${String(row.id)} holds "${value}"`);
        }
      }
    }
    expect(traces).toEqual([]);
    // the anonymous order total stays for the reports
    expect(await db.order.count({ where: { shopId } })).toBe(1);
  },
);
