// The ack verifies Shopify's HMAC itself, on the raw bytes (docs/decisions/0029). This proves it
// accepts exactly the webhooks @shopify/shopify-api's own `webhooks.validate` accepts (what
// `authenticate.webhook` calls), refuses exactly what it refuses, for the same reason, and hands
// back the same fields — on Shopify's example payloads and on generated hostile input.
import "@shopify/shopify-api/adapters/web-api";
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { isEventsWebhook, verifyShopifyWebhook } from "~/modules/ingest/verify-webhook.server";

const SECRET = "unit-test-secret";
const api = shopifyApi({
  apiKey: "key",
  apiSecretKey: SECRET,
  apiVersion: ApiVersion.April26,
  hostName: "joren.example",
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error, log: async () => {} },
});

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/shopify-webhooks/2026-04");
/** the raw payload text cut out of each fixture, big ids intact (as tests/helpers/webhooks does) */
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .map((file) => {
    const text = readFileSync(path.join(FIXTURES, file), "utf8");
    const start = text.indexOf('"payload"');
    return {
      topic: file.replace(/\.json$/, "").replace(/__/g, "/"),
      body: text.slice(text.indexOf("{", start), text.lastIndexOf("}")).trim(),
    };
  });

const sign = (body: Buffer | string, secret = SECRET) => createHmac("sha256", secret).update(body).digest("base64");

function headersFor(body: Buffer | string, overrides: Record<string, string | null> = {}): Record<string, string> {
  const all: Record<string, string | null> = {
    "content-type": "application/json",
    "x-shopify-hmac-sha256": sign(body),
    "x-shopify-topic": "orders/create",
    "x-shopify-shop-domain": "joren-test.myshopify.com",
    "x-shopify-api-version": "2026-04",
    "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    "x-shopify-triggered-at": "2026-12-04T10:00:00.000Z",
    "x-shopify-event-id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
    ...overrides,
  };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null));
}

/** Both verdicts for one request: the library's (as authenticate.webhook reads it) and ours. */
async function both(body: Buffer, headers: Record<string, string>) {
  const request = new Request("https://joren.example/webhooks", {
    method: "POST",
    headers,
    body: new Uint8Array(body),
  });
  const library = await api.webhooks.validate({ rawBody: await request.clone().text(), rawRequest: request });
  const ours = verifyShopifyWebhook((name) => request.headers.get(name) ?? undefined, body, SECRET);
  return { library, ours };
}

function expectSameVerdict({ library, ours }: Awaited<ReturnType<typeof both>>) {
  if (library.valid) {
    expect(ours.ok).toBe(true);
    if (!ours.ok) return;
    expect(ours.webhook).toEqual({
      shop: library.domain,
      topic: library.topic,
      webhookId: library.webhookId,
      apiVersion: library.apiVersion,
      ...(library.triggeredAt ? { triggeredAt: library.triggeredAt } : {}),
    });
  } else {
    expect(ours.ok).toBe(false);
    if (ours.ok) return;
    expect(ours.reason).toBe(library.reason);
  }
}

describe("verifyShopifyWebhook agrees with @shopify/shopify-api's webhooks.validate", () => {
  test.each(fixtures)("Shopify's example $topic payload: accepted, same fields", async ({ topic, body }) => {
    const bytes = Buffer.from(body, "utf8");
    const verdict = await both(bytes, headersFor(bytes, { "x-shopify-topic": topic }));
    expect(verdict.library.valid).toBe(true);
    expectSameVerdict(verdict);
    if (verdict.ours.ok) expect(verdict.ours.text).toBe(body);
  });

  test("refused alike: another secret, another body, a re-encoded or truncated signature, no body", async () => {
    const body = Buffer.from(fixtures[0]?.body ?? "{}", "utf8");
    const good = sign(body);
    const cases: [Buffer, Record<string, string | null>][] = [
      [body, { "x-shopify-hmac-sha256": sign(body, "another-secret") }],
      [body, { "x-shopify-hmac-sha256": sign(Buffer.concat([body, Buffer.from(" ")])) }],
      [body, { "x-shopify-hmac-sha256": good.replace(/=+$/, "") }],
      [body, { "x-shopify-hmac-sha256": createHmac("sha256", SECRET).update(body).digest("hex") }],
      [body, { "x-shopify-hmac-sha256": `${good}=` }],
      [body, { "x-shopify-hmac-sha256": good.toLowerCase() }],
      [body, { "x-shopify-hmac-sha256": "" }],
      [body, { "x-shopify-hmac-sha256": null }],
      [Buffer.alloc(0), {}],
    ];
    for (const [bytes, overrides] of cases) {
      const verdict = await both(bytes, headersFor(bytes, overrides));
      expect(verdict.library.valid).toBe(false);
      expectSameVerdict(verdict);
    }
  });

  test("a missing or empty required header: refused alike (missing_headers); optional ones may be absent", async () => {
    const body = Buffer.from('{"id":1}');
    for (const name of ["x-shopify-topic", "x-shopify-shop-domain", "x-shopify-api-version", "x-shopify-webhook-id"]) {
      for (const value of [null, ""]) {
        const verdict = await both(body, headersFor(body, { [name]: value }));
        expect(verdict.library.valid, name).toBe(false);
        expectSameVerdict(verdict);
      }
    }
    const verdict = await both(body, headersFor(body, { "x-shopify-triggered-at": null, "x-shopify-event-id": null }));
    expect(verdict.library.valid).toBe(true);
    expectSameVerdict(verdict);
  });

  test("bodies that are not plain UTF-8 (a BOM, invalid bytes): judged on the text the library decodes", async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":1}')]);
    const invalid = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xc3, 0x28, 0x22, 0x7d]);
    for (const bytes of [bom, invalid]) {
      const decoded = Buffer.from(new TextDecoder().decode(bytes), "utf8");
      // signed over the raw bytes: the library refuses; signed over its decoded text: it accepts
      for (const signedOver of [bytes, decoded]) {
        const verdict = await both(bytes, headersFor(bytes, { "x-shopify-hmac-sha256": sign(signedOver) }));
        expect(verdict.library.valid).toBe(signedOver === decoded);
        expectSameVerdict(verdict);
      }
    }
  });

  test("generated bodies, signatures and header values: the same verdict every time", async () => {
    const header = fc.oneof(
      fc.constant(null),
      fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x21-\x7e ]/g, "").trim()),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
          fc.json().map((s) => Buffer.from(s)),
        ),
        fc.constantFrom("good", "other-secret", "other-body", "garbage", "none"),
        fc.record({ topic: header, shop: header, version: header, id: header, triggered: header }),
        fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x21-\x7e]/g, "")),
        async (bytes, signature, h, garbage) => {
          const hmac =
            signature === "good"
              ? sign(Buffer.from(new TextDecoder().decode(bytes), "utf8"))
              : signature === "other-secret"
                ? sign(bytes, "x")
                : signature === "other-body"
                  ? sign(Buffer.concat([bytes, Buffer.from("x")]))
                  : signature === "garbage"
                    ? garbage
                    : null;
          expectSameVerdict(
            await both(
              bytes,
              headersFor(bytes, {
                "x-shopify-hmac-sha256": hmac,
                "x-shopify-topic": h.topic,
                "x-shopify-shop-domain": h.shop,
                "x-shopify-api-version": h.version,
                "x-shopify-webhook-id": h.id,
                "x-shopify-triggered-at": h.triggered,
              }),
            ),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  test("a request with Shopify's events header is left to the library", () => {
    expect(isEventsWebhook((name) => (name === "shopify-hmac-sha256" ? "x" : undefined))).toBe(true);
    expect(isEventsWebhook((name) => (name === "x-shopify-hmac-sha256" ? "x" : undefined))).toBe(false);
  });
});
