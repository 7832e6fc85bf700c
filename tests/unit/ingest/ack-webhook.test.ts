// The ack's decisions without a server: what it answers and what it stores, with the HMAC checked
// on the bytes (docs/decisions/0029) and the library's verifier only for "events" webhooks.
import { createHmac } from "node:crypto";
import type { Db } from "~/db.server";
import type { InboxStore, ReceiptRow } from "~/modules/ingest/inbox-store.server";
import { ackWebhook, type RawWebhook, type ReceiveWebhookDeps } from "~/modules/ingest/receive-webhook.server";

const SECRET = "ack-secret";
const SHOP = "ack-shop.myshopify.com";

function setup(options: { insert?: (row: ReceiptRow) => Promise<number>; verify?: ReceiveWebhookDeps["verify"] } = {}) {
  const stored: ReceiptRow[] = [];
  const inbox: InboxStore = {
    insert:
      options.insert ??
      (async (row) => (stored.some((r) => r.webhookId === row.webhookId) ? 0 : stored.push(row) && 1)),
    close: async () => {},
  };
  const db = {
    shop: {
      findUnique: async ({ where }: { where: { domain: string } }) =>
        where.domain === SHOP ? { id: "shop-1", uninstalledAt: null } : null,
    },
  } as unknown as Db;
  let woken = 0;
  const verifyCalls: Request[] = [];
  const deps: ReceiveWebhookDeps = {
    db,
    inbox,
    secret: SECRET,
    verify:
      options.verify ??
      (async (request) => {
        verifyCalls.push(request);
        throw new Response(null, { status: 401 });
      }),
    onStored: () => woken++,
  };
  return { deps, stored, verifyCalls, woken: () => woken };
}

function webhook(body: string | Buffer, overrides: Record<string, string | null> = {}, method = "POST"): RawWebhook {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
  const headers: Record<string, string | null> = {
    "x-shopify-hmac-sha256": createHmac("sha256", SECRET).update(bytes).digest("base64"),
    "x-shopify-topic": "orders/create",
    "x-shopify-shop-domain": SHOP,
    "x-shopify-api-version": "2026-04",
    "x-shopify-webhook-id": "wh-1",
    "x-shopify-triggered-at": "2026-12-04T10:00:00.000Z",
    ...overrides,
  };
  return { method, header: (name) => headers[name] ?? undefined, body: bytes, url: "http://localhost/webhooks" };
}

describe("ackWebhook", () => {
  test("a signed order is stored once, byte for byte, and acked; the same webhook id again is a duplicate", async () => {
    const t = setup();
    const body = '{"id":9007199254740993123,"note":"caf\u00e9"}';
    expect(await ackWebhook(webhook(body), t.deps)).toMatchObject({ status: 200, body: '{"stored":true}' });
    expect(await ackWebhook(webhook(body), t.deps)).toMatchObject({ status: 200, body: '{"duplicate":true}' });
    expect(t.stored).toHaveLength(1);
    expect(t.stored[0]).toMatchObject({
      shopId: "shop-1",
      webhookId: "wh-1",
      topic: "orders/create",
      apiVersion: "2026-04",
      body,
      triggeredAt: new Date("2026-12-04T10:00:00.000Z"),
    });
    expect(t.woken()).toBe(1);
  });

  test("refusals: unsigned 401, wrong signature 401, not POST 405, a header missing 400, not JSON 400, unknown shop 404", async () => {
    const t = setup();
    expect((await ackWebhook(webhook("{}", { "x-shopify-hmac-sha256": null }), t.deps)).status).toBe(401);
    expect((await ackWebhook(webhook("{}", { "x-shopify-hmac-sha256": "AAAA" }), t.deps)).status).toBe(401);
    expect((await ackWebhook(webhook("{}", {}, "PUT"), t.deps)).status).toBe(405);
    expect((await ackWebhook(webhook("{}", { "x-shopify-webhook-id": null }), t.deps)).status).toBe(400);
    expect(await ackWebhook(webhook("{not json"), t.deps)).toMatchObject({ status: 400 });
    expect((await ackWebhook(webhook("{}", { "x-shopify-shop-domain": "other.myshopify.com" }), t.deps)).status).toBe(
      404,
    );
    expect(await ackWebhook(webhook("{}", { "x-shopify-topic": "carts/create" }), t.deps)).toMatchObject({
      status: 200,
      body: '{"ignored":"topic not handled"}',
    });
    expect(t.stored).toHaveLength(0);
  });

  test("compliance topics: the body must name this shop (lossless parse), else 400 and nothing stored", async () => {
    const t = setup();
    const redact = (shop: string) =>
      `{"shop_id":1,"shop_domain":"${shop}","customer":{"id":9007199254740993123,"email":"a@b.jp"},"orders_to_redact":[]}`;
    expect(
      (await ackWebhook(webhook(redact("other.myshopify.com"), { "x-shopify-topic": "customers/redact" }), t.deps))
        .status,
    ).toBe(400);
    expect((await ackWebhook(webhook('{"id":1}', { "x-shopify-topic": "shop/redact" }), t.deps)).status).toBe(400);
    expect(t.stored).toHaveLength(0);
    expect((await ackWebhook(webhook(redact(SHOP), { "x-shopify-topic": "customers/redact" }), t.deps)).status).toBe(
      200,
    );
    expect(t.stored.map((r) => r.topic)).toEqual(["customers/redact"]);
  });

  test("a busy database: 503 with Retry-After, so Shopify sends it again", async () => {
    const t = setup({
      insert: async () => {
        throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
      },
    });
    expect(await ackWebhook(webhook("{}"), t.deps)).toMatchObject({ status: 503, headers: { "retry-after": "5" } });
  });

  test("Shopify's events kind (Shopify-Hmac-Sha256) goes to the library's verifier, with the body", async () => {
    const t = setup();
    const events = webhook('{"a":1}', { "shopify-hmac-sha256": "sig", "shopify-topic": "orders/create" });
    expect((await ackWebhook(events, t.deps)).status).toBe(401);
    expect(t.verifyCalls).toHaveLength(1);
    expect(await t.verifyCalls[0]?.text()).toBe('{"a":1}');
    expect(t.verifyCalls[0]?.headers.get("shopify-hmac-sha256")).toBe("sig");
    const accepted = setup({
      verify: async () => ({ shop: SHOP, topic: "ORDERS_CREATE", webhookId: "ev-1", apiVersion: "2026-04" }),
    });
    expect((await ackWebhook(events, accepted.deps)).status).toBe(200);
    expect(accepted.stored.map((r) => [r.webhookId, r.topic, r.body])).toEqual([["ev-1", "orders/create", '{"a":1}']]);
  });
});
