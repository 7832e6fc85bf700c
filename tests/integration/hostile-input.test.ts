// Hostile input against the real server build over HTTP: property-based (fast-check) garbage for
// every public endpoint — POST /webhooks, POST /pixel/events, /email/unsubscribe (GET page and
// one-click POST), /email/click, /email/open, POST /sendgrid/events and the two app-proxy forms
// (POST /proxy/birthday, POST /proxy/back-in-stock). For each: the right 4xx,
// never a 5xx, the server still answers afterwards, no row written in any table, and nothing of
// another shop read or changed. Then the rate limits: 429 with Retry-After per client address.
import { createHash, createHmac, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import fc from "fast-check";
import { Prisma, type Db } from "~/db.server";
import { shopifyWebhookHeaders, signWebhookBody } from "~/lib/webhook-signing";
import { waitForPixelEvents } from "~/modules/ingest/pixel/wait-for-pixel.server";
import { recordProduct } from "~/modules/mirror/catalog/record-product.server";
import { buildMessageLinks } from "~/modules/delivery/mail/links.server";
import { mailTokenSecret } from "~/modules/delivery/mail/mail-secret.server";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "~/modules/tracking/sendgrid-events.server";
import { signToken, type TokenKind } from "~/modules/delivery/mail/tokens";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { assignShopSettings } from "~/modules/platform/settings/shop-settings.server";
import { SENDER_IDENTITY } from "../helpers/sending-shop";
import { uninstallShop } from "~/modules/mirror/uninstall-shop.server";
import { startAppServer, TEST_SECRET, type AppServer } from "../helpers/app-server";
import { createTestDb, type TestDb } from "../helpers/db";
import { waitForInbox } from "../helpers/webhooks";

const SHOP_A = "hostile-a.myshopify.com";
const SHOP_B = "hostile-b.myshopify.com";
const B_NAME = "Beta Secret Coffee";
const B_EMAIL = "beta.private@example.net";
const RUNS = Number(process.env.JOREN_FUZZ_RUNS ?? 60);

let t: TestDb;
let db: Db;
let server: AppServer;
let secret: string;
let sendgridKey: KeyObject;
const a = { shopId: "", customerId: "", messageId: "", gid: "gid://shopify/Customer/9007199254740001" };
const b = { shopId: "", customerId: "", messageId: "", gid: "gid://shopify/Customer/9007199254740002" };

async function seed(shop: typeof a, domain: string, name: string, email: string) {
  shop.shopId = (await registerLocalShop({ db, domain })).shopId;
  await db.shop.update({ where: { id: shop.shopId }, data: { name } });
  // a shop that can send mail: the notify-me form's confirmation email needs the sender identity
  const saved = await assignShopSettings(db, shop.shopId, SENDER_IDENTITY);
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  const customer = await db.customer.create({
    data: {
      shopId: shop.shopId,
      gid: shop.gid,
      email,
      emailNormalized: email,
      firstName: "Private",
      emailConsent: "SUBSCRIBED",
      emailConsentAt: new Date(),
      emailConsentSource: "shopify",
    },
  });
  shop.customerId = customer.id;
  const message = await db.message.create({
    data: {
      shopId: shop.shopId,
      scenario: "welcome",
      customerId: customer.id,
      triggerKey: "t:1",
      status: "sent",
      dueAt: new Date(),
      email,
      locale: "ja",
      subject: "ようこそ",
      sentAt: new Date(),
    },
  });
  shop.messageId = message.id;
}

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  await seed(a, SHOP_A, "Alpha Tea", "alpha.buyer@example.jp");
  await seed(b, SHOP_B, B_NAME, B_EMAIL);
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  sendgridKey = privateKey;
  secret = mailTokenSecret({ SHOPIFY_API_SECRET: TEST_SECRET });
  server = await startAppServer({
    databaseUrl: t.url,
    env: {
      SENDGRID_WEBHOOK_PUBLIC_KEY: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
      JOREN_MAIL_TOKEN_SECRET: "",
      JOREN_LOG_LEVEL: "error",
    },
  });
});
afterAll(async () => {
  await server?.stop();
  await t?.close();
});

/** Row counts of every table: "nothing written" means all of them unchanged. */
async function rowCounts(except: string[] = []): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const model of Object.values(Prisma.ModelName)) {
    if (except.includes(model)) continue;
    const delegate = (db as unknown as Record<string, { count(): Promise<number> }>)[
      model[0]!.toLowerCase() + model.slice(1)
    ];
    counts[model] = await delegate!.count();
  }
  return counts;
}

/** Everything of shop B an endpoint could change. */
async function shopB() {
  return {
    customer: await db.customer.findUniqueOrThrow({ where: { id: b.customerId } }),
    message: await db.message.findUniqueOrThrow({ where: { id: b.messageId } }),
    // any shop's event naming B's message (a report joining on messageId would count it)
    events: await db.mailEvent.count({ where: { messageId: b.messageId } }),
    suppressions: await db.suppression.count({ where: { shopId: b.shopId } }),
    behaviour: await db.behaviourEvent.count({ where: { customerId: b.customerId } }),
    // the app-proxy forms: no customer of B made or changed, no subscription in B
    customers: await db.customer.findMany({ where: { shopId: b.shopId }, orderBy: { id: "asc" } }),
    subscriptions: await db.backInStockSubscription.count({ where: { shopId: b.shopId } }),
  };
}

async function stillAnswers() {
  expect(server.process.exitCode).toBeNull();
  const res = await fetch(`${server.url}/email/open?t=x`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("image/gif");
}

/** Runs a property and checks afterwards that nothing was written and the server is alive. */
async function noWrites(property: Parameters<typeof fc.assert>[0], runs = RUNS, except: string[] = []) {
  const before = await rowCounts(except);
  const bBefore = await shopB();
  await fc.assert(property, { numRuns: runs });
  expect(await rowCounts(except)).toEqual(before);
  expect(await shopB()).toEqual(bBefore);
  await stillAnswers();
}

// ---- arbitraries ----------------------------------------------------------------------------

const INJECTIONS = [
  "' OR '1'='1",
  '"; DROP TABLE "Shop"; --',
  "1; DELETE FROM Customer",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "${7*7}{{7*7}}<%= 7*7 %>",
  "../../../../etc/passwd",
  "%00%0d%0aSet-Cookie: x=1",
  "\u0000\u0001\u001f",
  "\ud800",
  "😀".repeat(50),
  "__proto__",
  "constructor",
  "gid://shopify/Customer/9007199254740002",
  "-1",
  "1e309",
  "9".repeat(400),
];
const injection = fc.constantFrom(...INJECTIONS);
const hostileText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "grapheme", maxLength: 100 }), injection);
/** Header values must be visible ASCII (fetch refuses others before sending). */
const headerText = fc.oneof(
  fc.stringMatching(/^[\x21-\x7e]{0,100}$/),
  fc.constantFrom(...INJECTIONS.filter((s) => /^[\x21-\x7e ]+$/.test(s))),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  hostileText,
);
const hostileBody = fc.oneof(
  fc.json({ maxDepth: 3 }),
  hostileText,
  fc.constant(""),
  fc.constant("{"),
  fc.constant("[]"),
  fc.constant("null"),
);

// ---- POST /webhooks -------------------------------------------------------------------------

function postWebhookRaw(body: string, headers: Record<string, string>) {
  return fetch(`${server.url}/webhooks`, { method: "POST", headers, body });
}

describe("POST /webhooks", () => {
  test("unsigned, badly signed or signed with another secret: 401, nothing stored", async () => {
    await noWrites(
      fc.asyncProperty(
        hostileBody,
        fc.constantFrom("none", "empty", "garbage", "wrong-secret", "other-body"),
        fc.oneof(fc.constantFrom("orders/create", "customers/redact", "shop/redact", "app/uninstalled"), headerText),
        fc.oneof(fc.constantFrom(SHOP_A, SHOP_B), headerText),
        headerText,
        async (body, auth, topic, shop, garbage) => {
          const headers = shopifyWebhookHeaders({ secret: TEST_SECRET, body, topic, shop });
          if (auth === "none") delete (headers as Record<string, string | undefined>)["x-shopify-hmac-sha256"];
          if (auth === "empty") headers["x-shopify-hmac-sha256"] = "";
          if (auth === "garbage") headers["x-shopify-hmac-sha256"] = garbage || "x";
          if (auth === "wrong-secret") headers["x-shopify-hmac-sha256"] = signWebhookBody("not-the-secret", body);
          if (auth === "other-body") headers["x-shopify-hmac-sha256"] = signWebhookBody(TEST_SECRET, `${body} `);
          const res = await postWebhookRaw(body, headers);
          // the library answers 400 before the HMAC to an empty body or header; never 2xx or 5xx
          if (auth === "empty" || body === "") expect([400, 401]).toContain(res.status);
          else expect(res.status).toBe(401);
        },
      ),
    );
  });

  test("signed but not JSON: 400; signed for an unknown shop or topic: 4xx or ignored; nothing stored", async () => {
    await noWrites(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            kind: fc.constant("not-json" as const),
            body: fc.constantFrom("{", "not json", "{'a':1}", "[1,,2]", "\u00ff\u00fe"),
          }),
          fc.record({
            kind: fc.constant("unknown-shop" as const),
            body: fc.json({ maxDepth: 2 }),
            shop: fc.oneof(headerText, fc.constant("evil.myshopify.com")),
          }),
          fc.record({
            kind: fc.constant("unknown-topic" as const),
            body: fc.json({ maxDepth: 2 }),
            topic: headerText.filter((s) => !/^[a-z_]+\/[a-z_]+$/.test(s)),
          }),
        ),
        async (input) => {
          const shop = input.kind === "unknown-shop" ? input.shop : SHOP_A;
          const topic = input.kind === "unknown-topic" ? input.topic : "orders/create";
          const res = await postWebhookRaw(
            input.body,
            shopifyWebhookHeaders({ secret: TEST_SECRET, body: input.body, topic, shop }),
          );
          if (input.kind === "not-json") expect(res.status).toBe(400);
          else if (input.kind === "unknown-shop") expect([400, 401, 404]).toContain(res.status);
          else if (input.topic.trim() === "")
            expect(res.status).toBe(400); // no topic header at all
          else {
            expect(res.status).toBe(200);
            expect(await res.json()).toEqual({ ignored: "topic not handled" });
          }
        },
      ),
    );
  });

  test("signed payloads of the wrong shape are stored once, then rejected with the reason; the mirror is untouched", async () => {
    const topics = [
      "orders/create",
      "orders/updated",
      "customers/update",
      "checkouts/create",
      "products/update",
      "refunds/create",
    ];
    const receipts = await db.webhookReceipt.count();
    let sent = 0;
    await noWrites(
      fc.asyncProperty(
        fc.constantFrom(...topics),
        fc.oneof(
          fc.dictionary(
            fc.constantFrom(
              "id",
              "email",
              "line_items",
              "customer",
              "updated_at",
              "total_price",
              "admin_graphql_api_id",
            ),
            wrongType,
            { maxKeys: 6 },
          ),
          fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== "object" || v === null || Array.isArray(v)),
        ),
        async (topic, payload) => {
          const body = JSON.stringify(payload);
          const res = await postWebhookRaw(
            body,
            shopifyWebhookHeaders({ secret: TEST_SECRET, body, topic, shop: SHOP_A }),
          );
          expect(res.status).toBe(200);
          sent += 1;
        },
      ),
      RUNS,
      ["WebhookReceipt"],
    );
    await waitForInbox(db, 60_000);
    const stored = await db.webhookReceipt.findMany({
      where: { shopId: a.shopId },
      skip: receipts,
      select: { status: true, error: true },
    });
    expect(stored.length).toBe(sent);
    expect(new Set(stored.map((r) => r.status))).toEqual(new Set(["rejected"]));
    expect(stored.every((r) => (r.error ?? "").length > 0)).toBe(true);
  });

  test("a body over 5 MB: 413 before it is read", async () => {
    const body = JSON.stringify({ id: 1, note: "x".repeat(5 * 1024 * 1024 + 10) });
    await noWrites(
      fc.asyncProperty(fc.constant(body), async (big) => {
        const res = await postWebhookRaw(
          big,
          shopifyWebhookHeaders({ secret: TEST_SECRET, body: big, topic: "orders/create", shop: SHOP_A }),
        );
        expect(res.status).toBe(413);
      }),
      1,
    );
  });
});

// ---- POST /pixel/events ---------------------------------------------------------------------

const pixelEvent = (overrides: Record<string, unknown> = {}) => ({
  id: `evt-${Math.random()}`,
  name: "product_viewed",
  clientId: "client-hostile",
  timestamp: new Date(Date.now() - 60_000).toISOString(),
  context: { document: { location: { href: `https://${SHOP_A}/products/tea` } } },
  data: { productVariant: { id: "1", product: { id: "2", url: "/products/tea" } } },
  ...overrides,
});

function postPixel(body: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/pixel/events`, {
    method: "POST",
    headers: { "content-type": "text/plain;charset=UTF-8", ...headers },
    body,
  });
}

describe("POST /pixel/events", () => {
  test("garbage, wrong types and unknown shops: 400/404, nothing stored", async () => {
    await noWrites(
      fc.asyncProperty(
        fc.oneof(
          hostileBody,
          // a real event with one field of the wrong type (not a number: ids above 2^53 arrive as text by design)
          fc
            .tuple(
              fc.constantFrom("id", "name", "clientId", "timestamp"),
              fc.oneof(
                fc.boolean(),
                fc.array(fc.integer(), { maxLength: 3 }),
                fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
              ),
            )
            .map(([field, value]) =>
              JSON.stringify({ shop: SHOP_A, customer: null, event: pixelEvent({ [field]: value }) }),
            ),
          // a valid event for a shop that is not installed
          fc
            .oneof(hostileText, fc.constant("not-installed.myshopify.com"))
            .map((shop) => JSON.stringify({ shop, customer: null, event: pixelEvent() })),
          fc
            .tuple(wrongType, fc.array(wrongType, { maxLength: 3 }))
            .map(([shop, events]) => JSON.stringify({ shop, customer: shop, events })),
        ),
        async (body) => {
          const res = await postPixel(body);
          expect([400, 404]).toContain(res.status);
          expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        },
      ),
    );
  });

  test("oversized bodies: 413", async () => {
    await noWrites(
      fc.asyncProperty(fc.integer({ min: 64 * 1024 + 1, max: 3 * 1024 * 1024 }), async (size) => {
        const res = await postPixel(JSON.stringify({ shop: SHOP_A, pad: "x".repeat(size) }));
        expect(res.status).toBe(413);
      }),
      5,
    );
  });

  test("another shop's customer id is never joined to that shop's customer", async () => {
    const before = await shopB();
    const storedBefore = await db.behaviourEvent.count({ where: { shopId: a.shopId } });
    const res = await postPixel(
      JSON.stringify({
        shop: SHOP_A,
        customer: { id: b.gid, email: B_EMAIL },
        event: pixelEvent({
          name: "product_added_to_cart",
          data: { cartLine: { quantity: 1, merchandise: { id: "1", product: { id: "2" } } } },
        }),
      }),
    );
    expect(res.status).toBe(200);
    // the pixel queue writes behind the answer: judge the stored event, not the moment before it
    expect(await waitForPixelEvents(db, a.shopId, storedBefore + 1, 15_000)).toBe(true);
    expect(await shopB()).toEqual(before);
    const rows = await db.behaviourEvent.findMany({ where: { shopId: a.shopId }, select: { customerId: true } });
    expect(rows.some((r) => r.customerId === b.customerId)).toBe(false);
  });
});

// ---- email links ----------------------------------------------------------------------------

const DAY = 24 * 3600;
function token(
  kind: TokenKind,
  options: { shop?: typeof a; messageId?: string; customerId?: string; exp?: number; key?: string; url?: string } = {},
) {
  const shop = options.shop ?? a;
  return signToken(options.key ?? secret, {
    kind,
    shopId: shop.shopId,
    messageId: options.messageId ?? shop.messageId,
    customerId: options.customerId ?? shop.customerId,
    exp: options.exp ?? Math.floor(Date.now() / 1000) + 30 * DAY,
    ...(kind === "click" ? { url: options.url ?? "https://alpha-tea.example/products/tea" } : {}),
  });
}

/** A bad token for `kind`: random text, another secret, expired, another kind, or one character changed. */
function badToken(kind: TokenKind) {
  return fc.oneof(
    hostileText,
    fc.constantFrom("", ".", "a.b", "..", "x".repeat(5000)),
    fc.constant(token(kind, { key: "another-secret-of-at-least-32-characters!" })),
    fc.constant(token(kind, { exp: Math.floor(Date.now() / 1000) - 60 })),
    fc.constant(token(kind === "click" ? "open" : "click")),
    fc.nat({ max: 60 }).map((i) => {
      const good = token(kind);
      const at = good.indexOf(".") + 1 + (i % (good.length - good.indexOf(".") - 2));
      return good.slice(0, at) + (good[at] === "A" ? "B" : "A") + good.slice(at + 1);
    }),
    // the payload of one token with the signature of another
    fc.constant(`${token(kind, { shop: b }).split(".")[0]}.${token(kind).split(".")[1]}`),
  );
}
// lone surrogates cannot be percent-encoded: replace them, as a browser would
const withToken = (path: string, t: string) =>
  `${server.url}${path}?t=${encodeURIComponent(t.replace(/[\ud800-\udfff]/g, "\ufffd"))}`;

describe("/email/unsubscribe", () => {
  test("GET with a bad, expired or forged token: 400 page in both languages' reach, nothing written, nothing of shop B shown", async () => {
    await noWrites(
      fc.asyncProperty(badToken("unsubscribe"), fc.constantFrom("ja", "en", "fr"), async (bad, lang) => {
        const res = await fetch(withToken("/email/unsubscribe", bad), { headers: { "accept-language": lang } });
        expect(res.status).toBe(400);
        const html = await res.text();
        expect(html).not.toContain(B_NAME);
        expect(html).not.toContain(B_EMAIL);
        expect(html).not.toContain("<script>alert");
      }),
    );
  });

  test("one-click POST with a bad token: 400, nothing written; oversized: 413", async () => {
    await noWrites(
      fc.asyncProperty(badToken("unsubscribe"), hostileBody, async (bad, body) => {
        const res = await fetch(withToken("/email/unsubscribe", bad), {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body,
        });
        expect(res.status).toBe(400);
      }),
    );
    await noWrites(
      fc.asyncProperty(fc.constant(0), async () => {
        const res = await fetch(withToken("/email/unsubscribe", token("unsubscribe")), {
          method: "POST",
          body: "x".repeat(1024 * 1024 + 1),
        });
        expect(res.status).toBe(413);
      }),
      1,
    );
  });

  test("a replayed one-click POST changes nothing the second time", async () => {
    const url = withToken("/email/unsubscribe", token("unsubscribe"));
    const first = await fetch(url, { method: "POST", body: "List-Unsubscribe=One-Click" });
    expect(first.status).toBe(200);
    await noWrites(
      fc.asyncProperty(hostileBody, async (body) => {
        const res = await fetch(url, { method: "POST", body });
        expect(res.status).toBe(200);
      }),
      10,
    );
  });

  test("a token of shop A naming shop B's message or customer never touches shop B", async () => {
    const before = await shopB();
    for (const forged of [
      token("unsubscribe", { messageId: b.messageId }),
      token("unsubscribe", { customerId: b.customerId }),
      token("unsubscribe", { messageId: b.messageId, customerId: b.customerId }),
    ]) {
      const page = await fetch(withToken("/email/unsubscribe", forged));
      expect(await page.text()).not.toContain(B_NAME);
      const res = await fetch(withToken("/email/unsubscribe", forged), {
        method: "POST",
        body: "List-Unsubscribe=One-Click",
      });
      expect(res.status).toBeLessThan(500);
    }
    expect(await shopB()).toEqual(before);
  });
});

describe("/email/click and /email/open", () => {
  test("click with a bad token: 400 and no redirect; open with one: the GIF; nothing written", async () => {
    await noWrites(
      fc.asyncProperty(badToken("click"), badToken("open"), headerText, async (badClick, badOpen, target) => {
        const click = await fetch(
          `${withToken("/email/click", badClick)}&url=${encodeURIComponent(`https://evil.example/${target}`)}`,
          { redirect: "manual" },
        );
        expect(click.status).toBe(400);
        expect(click.headers.get("location")).toBeNull();
        const open = await fetch(withToken("/email/open", badOpen));
        expect(open.status).toBe(200);
        expect(open.headers.get("content-type")).toBe("image/gif");
      }),
    );
  });

  test("a valid click redirects only to the signed URL, whatever else the request says", async () => {
    const { clickUrl } = buildMessageLinks({
      appUrl: server.url,
      secret,
      shopId: a.shopId,
      messageId: a.messageId,
      customerId: a.customerId,
      now: new Date(),
    });
    const url = clickUrl("https://alpha-tea.example/products/tea");
    await fc.assert(
      fc.asyncProperty(headerText, async (extra) => {
        const res = await fetch(
          `${url}&url=${encodeURIComponent(`https://evil.example/${extra}`)}&next=${encodeURIComponent(extra)}`,
          { redirect: "manual", headers: { referer: `https://evil.example/${extra}` } },
        );
        expect(res.status).toBe(302);
        expect(res.headers.get("location")).toBe("https://alpha-tea.example/products/tea");
      }),
      { numRuns: 20 },
    );
  });

  test("click and open tokens of shop A naming shop B's message record nothing for shop B", async () => {
    const before = await shopB();
    const click = await fetch(withToken("/email/click", token("click", { messageId: b.messageId })), {
      redirect: "manual",
    });
    expect(click.status).toBe(302);
    const open = await fetch(withToken("/email/open", token("open", { messageId: b.messageId })));
    expect(open.status).toBe(200);
    expect(await shopB()).toEqual(before);
  });
});

// ---- POST /sendgrid/events ------------------------------------------------------------------

function signedEvents(body: string, timestamp = String(Math.floor(Date.now() / 1000))) {
  const signature = sign("sha256", Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), {
    key: sendgridKey,
    dsaEncoding: "der",
  }).toString("base64");
  return { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp, "content-type": "application/json" };
}
const postEvents = (body: string, headers: Record<string, string>) =>
  fetch(`${server.url}/sendgrid/events`, { method: "POST", headers, body });

describe("POST /sendgrid/events", () => {
  test("missing (401), malformed, stale or forged (403) signatures: nothing written", async () => {
    const other = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    await noWrites(
      fc.asyncProperty(
        hostileBody,
        fc.constantFrom("none", "garbage", "stale", "future", "other-key", "other-body"),
        headerText,
        async (body, kind, garbage) => {
          let headers: Record<string, string> = { "content-type": "application/json" };
          if (kind === "garbage")
            headers = {
              ...headers,
              [SIGNATURE_HEADER]: garbage || "x",
              [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
            };
          if (kind === "stale") headers = signedEvents(body, String(Math.floor(Date.now() / 1000) - 3600));
          if (kind === "future") headers = signedEvents(body, String(Math.floor(Date.now() / 1000) + 3600));
          if (kind === "other-key") {
            const ts = String(Math.floor(Date.now() / 1000));
            headers = {
              ...headers,
              [TIMESTAMP_HEADER]: ts,
              [SIGNATURE_HEADER]: sign("sha256", Buffer.from(ts + body), { key: other, dsaEncoding: "der" }).toString(
                "base64",
              ),
            };
          }
          if (kind === "other-body") headers = { ...signedEvents(`${body}x`) };
          const res = await postEvents(body, headers);
          expect(res.status).toBe(kind === "none" ? 401 : 403);
        },
      ),
    );
  });

  test("signed but the wrong shape: 400; oversized: 413; nothing written", async () => {
    await noWrites(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 2 }).filter((v) => !Array.isArray(v)),
          fc.array(
            fc.oneof(
              wrongType,
              fc.dictionary(fc.constantFrom("event", "email", "timestamp", "sg_event_id"), wrongType, { minKeys: 1 }),
            ),
            { minLength: 1, maxLength: 5 },
          ),
        ),
        async (value) => {
          const body = JSON.stringify(value) ?? "null";
          const res = await postEvents(body, signedEvents(body));
          expect(res.status).toBe(400);
        },
      ),
    );
    await noWrites(
      fc.asyncProperty(fc.constant(0), async () => {
        const body = JSON.stringify([{ event: "open", pad: "x".repeat(1024 * 1024) }]);
        const res = await postEvents(body, signedEvents(body));
        expect(res.status).toBe(413);
      }),
      1,
    );
  });

  test("events naming shop A with shop B's message are ignored: shop B untouched", async () => {
    const before = await shopB();
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify(
      ["open", "click", "bounce", "spamreport", "unsubscribe", "dropped"].map((event, i) => ({
        email: B_EMAIL,
        timestamp: now,
        event,
        sg_event_id: `cross-${i}-${createHash("sha1").update(String(Math.random())).digest("hex")}`,
        sg_message_id: "x",
        shop_id: a.shopId,
        joren_message_id: b.messageId,
        scenario: "welcome",
        ...(event === "click" ? { url: "https://x.example" } : {}),
        ...(event === "bounce" ? { type: "bounce", reason: "550" } : {}),
      })),
    );
    const res = await postEvents(body, signedEvents(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ applied: 0 });
    expect(await shopB()).toEqual(before);
  });
});

// ---- app proxy forms: POST /proxy/birthday, POST /proxy/back-in-stock ---------------------------

const SHOP_GONE = "hostile-gone.myshopify.com"; // installed once, then app/uninstalled
const SHOP_NONE = "not-installed.myshopify.com";
const A_SOLD_OUT = "9007199254740101";
const A_IN_STOCK = "9007199254740102";
const B_SOLD_OUT = "9007199254740201";
const A_MEMBER = "9007199254740001"; // shop A's customer (a.gid)
const B_MEMBER = "9007199254740002"; // shop B's customer (b.gid)
const STOREFRONT = `https://${SHOP_A}/products/tea`;

type ProxyForm = "birthday" | "back-in-stock";
const proxyForm = fc.constantFrom<ProxyForm>("birthday", "back-in-stock");
/** A body the form accepts and acts on (writes) when the request is signed for shop A. */
const validForm = (form: ProxyForm): Record<string, unknown> =>
  form === "birthday"
    ? { birthDate: "1990-04-15", locale: "ja" }
    : { email: "notify.me@example.jp", variant: A_SOLD_OUT, consent: "on", locale: "en" };

/** Shopify's app proxy signature as the library checks it: the other parameters sorted, `k=v` concatenated, HMAC-SHA256 hex. */
function proxySignature(params: Record<string, string>, key = TEST_SECRET): string {
  const message = Object.keys(params)
    .sort((x, y) => x.localeCompare(y))
    .map((k) => `${k}=${params[k]}`)
    .join("");
  return createHmac("sha256", key).update(message).digest("hex");
}
const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
const signedProxyQuery = (params: Record<string, string>, key = TEST_SECRET) =>
  query({ ...params, signature: proxySignature(params, key) });
const proxyParams = (customer = A_MEMBER, shop = SHOP_A, timestamp = Math.floor(Date.now() / 1000)) => ({
  shop,
  logged_in_customer_id: customer,
  path_prefix: "/apps/joren",
  timestamp: String(timestamp),
});

/** As the theme blocks post: JSON from their script (answered in JSON), or a plain form post (answered with a redirect or a page). */
function postProxy(
  form: ProxyForm,
  search: string,
  body: string | Record<string, unknown>,
  options: { json?: boolean; headers?: Record<string, string> } = {},
) {
  const json = options.json ?? true;
  const fields = typeof body === "string" ? [] : Object.entries(body).filter(([, v]) => v !== undefined);
  const text =
    typeof body === "string"
      ? body
      : json
        ? JSON.stringify(Object.fromEntries(fields))
        : query(Object.fromEntries(fields.map(([k, v]) => [k, String(v)])));
  return fetch(`${server.url}/proxy/${form}?${search}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      ...(json
        ? { "content-type": "application/json", accept: "application/json" }
        : { "content-type": "application/x-www-form-urlencoded" }),
      ...options.headers,
    },
    body: text,
  });
}

const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** A refusal: one of `statuses`; its JSON or page shows nothing of shop B, no live markup, and links only into shop A's storefront. */
async function expectRefusal(res: Response, statuses: number[]) {
  expect(statuses).toContain(res.status);
  expect(res.headers.get("location")).toBeNull();
  const text = await res.text();
  expect(text).not.toContain(B_NAME);
  expect(text).not.toContain(B_EMAIL);
  if ((res.headers.get("content-type") ?? "").startsWith("application/json")) {
    expect(JSON.parse(text)).toMatchObject({ ok: false, message: expect.any(String) });
  } else {
    expect(text).not.toMatch(/<script>alert|<img src=x/);
    for (const [, href] of text.matchAll(/href="([^"]*)"/g))
      expect(new URL(unescapeHtml(href!), STOREFRONT).host).toBe(SHOP_A);
  }
}

const SIGNATURE_FAULTS = [
  "none",
  "empty",
  "garbage",
  "wrong-secret",
  "stale",
  "future",
  "tampered-shop",
  "tampered-customer",
  "tampered-timestamp",
  "dropped-param",
  "added-param",
  "duplicate-shop",
  "duplicate-customer",
] as const;
type SignatureFault = (typeof SIGNATURE_FAULTS)[number];
const PROXY_KEYS = new Set(["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature", "index"]);

/** A query Shopify did not sign as sent: no or a wrong signature, expired, changed after signing, or another parameter slipped in. */
function faultyProxyQuery(
  fault: SignatureFault,
  params: Record<string, string>,
  garbage: string,
  extraKey: string,
): string {
  const signature = proxySignature(params);
  const now = Number(params.timestamp);
  switch (fault) {
    case "none":
      return query(params);
    case "empty":
      return `${query(params)}&signature=`;
    case "garbage":
      return `${query(params)}&signature=${encodeURIComponent(garbage)}`;
    case "wrong-secret":
      return signedProxyQuery(params, "not-the-app-secret");
    // replays: outside the library's 90-second window either way
    case "stale":
      return signedProxyQuery({ ...params, timestamp: String(now - 3600) });
    case "future":
      return signedProxyQuery({ ...params, timestamp: String(now + 3600) });
    case "tampered-shop":
      return query({ ...params, shop: SHOP_B, signature });
    case "tampered-customer":
      return query({ ...params, logged_in_customer_id: B_MEMBER, signature });
    case "tampered-timestamp":
      return query({ ...params, timestamp: String(now + 1), signature });
    case "dropped-param":
      return query({ shop: params.shop!, path_prefix: params.path_prefix!, timestamp: params.timestamp!, signature });
    case "added-param":
      return `${query({ ...params, signature })}&${extraKey}=x`;
    // the library verifies the last of repeated parameters; the form must not act on another one
    case "duplicate-shop":
      return `shop=${SHOP_B}&${query({ ...params, signature })}`;
    case "duplicate-customer":
      return `logged_in_customer_id=${B_MEMBER}&${query({ ...params, signature })}`;
  }
}

describe("app proxy forms (/proxy/birthday, /proxy/back-in-stock)", () => {
  let gone = "";
  // seeded here (JOREN_FUZZ_SEED to explore others): a failure replays as it was found
  const previous = fc.readConfigureGlobal();
  beforeAll(async () => {
    fc.configureGlobal({ ...previous, seed: Number(process.env.JOREN_FUZZ_SEED ?? 8_2026) });
    const now = new Date();
    const product = (shopId: string, gid: string, variants: [string, number][]) =>
      recordProduct(
        db,
        { shopId, now },
        {
          gid,
          title: "Gyokuro",
          handle: "gyokuro",
          status: "active",
          productType: null,
          vendor: null,
          tags: null,
          imageUrl: null,
          publishedAt: now,
          updatedAt: now,
          variants: variants.map(([id, quantity]) => ({
            gid: `gid://shopify/ProductVariant/${id}`,
            title: "50g",
            sku: null,
            price: 2_000_000n,
            inventoryItemGid: null,
            inventoryQuantity: quantity,
            inventoryPolicy: "deny",
            updatedAt: now,
          })),
        },
      );
    await product(a.shopId, "gid://shopify/Product/9007199254740100", [
      [A_SOLD_OUT, 0],
      [A_IN_STOCK, 5],
    ]);
    await product(b.shopId, "gid://shopify/Product/9007199254740200", [[B_SOLD_OUT, 0]]);
    gone = (await registerLocalShop({ db, domain: SHOP_GONE })).shopId;
    await db.$transaction((tx) => uninstallShop(tx, gone, SHOP_GONE, now));
  });
  afterAll(() => fc.configureGlobal(previous));

  test("the harness signs as Shopify does: a signed, valid request is accepted and acts", async () => {
    const birthday = await postProxy(
      "birthday",
      signedProxyQuery(proxyParams("9007199254740011")),
      validForm("birthday"),
    );
    expect(birthday.status).toBe(200);
    expect(await birthday.json()).toMatchObject({ ok: true, outcome: "saved" });
    expect(
      (
        await db.customer.findUniqueOrThrow({
          where: { shopId_gid: { shopId: a.shopId, gid: "gid://shopify/Customer/9007199254740011" } },
        })
      ).birthDate,
    ).toBe("1990-04-15");
    // a typed address: a double opt-in request and its confirmation email, nothing subscribed yet (ADR 0023)
    const notify = await postProxy("back-in-stock", signedProxyQuery(proxyParams("")), {
      ...validForm("back-in-stock"),
      email: "harness@example.jp",
    });
    expect(notify.status).toBe(202);
    expect(await notify.json()).toMatchObject({ ok: true, outcome: "confirm" });
    expect(
      await db.optInRequest.count({
        where: { shopId: a.shopId, emailNormalized: "harness@example.jp", status: "sent" },
      }),
    ).toBe(1);
    expect(
      await db.backInStockSubscription.count({
        where: { shopId: a.shopId, variantGid: `gid://shopify/ProductVariant/${A_SOLD_OUT}` },
      }),
    ).toBe(0);
  });

  test("missing, wrong, expired or tampered signatures, or a parameter repeated outside the signature: 400, nothing written", async () => {
    await noWrites(
      fc.asyncProperty(
        proxyForm,
        fc.constantFrom(...SIGNATURE_FAULTS),
        fc.constantFrom(A_MEMBER, B_MEMBER, "9007199254740012", ""),
        fc.oneof(fc.constant(null), hostileBody),
        fc.boolean(),
        fc.oneof(headerText, fc.stringMatching(/^[0-9a-f]{64}$/)),
        fc.stringMatching(/^[a-z_]{1,12}$/).filter((k) => !PROXY_KEYS.has(k)),
        async (form, fault, customer, body, json, garbage, extraKey) => {
          const params = proxyParams(fault === "tampered-customer" && customer === B_MEMBER ? A_MEMBER : customer);
          const res = await postProxy(
            form,
            faultyProxyQuery(fault, params, garbage, extraKey),
            body ?? validForm(form),
            { json },
          );
          await expectRefusal(res, [400]);
        },
      ),
    );
  });

  test("signed for a shop that is not installed, was uninstalled, or is no shop domain: 404 or 400, nothing written", async () => {
    await noWrites(
      fc.asyncProperty(
        proxyForm,
        fc.oneof(
          fc.constantFrom(
            SHOP_NONE,
            SHOP_GONE,
            `${SHOP_A}/`,
            "admin.shopify.com/store/hostile-a",
            `${SHOP_A}.evil.example`,
            ` ${SHOP_A}`,
            "",
            "https://hostile-a.myshopify.com",
          ),
          hostileText.map((s) => s.replace(/[\ud800-\udfff]/g, "\ufffd")),
        ),
        fc.boolean(),
        async (form, shop, json) => {
          const res = await postProxy(form, signedProxyQuery(proxyParams(A_MEMBER, shop)), validForm(form), { json });
          await expectRefusal(res, /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop) ? [404] : [400, 404]);
        },
      ),
    );
  });

  // the birth date, logged-in customer and body a birthday request must not act on
  const impossibleDates = fc.constantFrom(
    "2026-02-30",
    "2025-02-29",
    "1900-02-29",
    "1990-13-01",
    "1990-00-10",
    "1990-04-31",
    "1990-04-00",
    "1899-12-31",
    "0000-01-01",
    `${new Date().getUTCFullYear() + 1}-01-01`,
    "9999-12-31",
    "1990-4-15",
    "15/04/1990",
    "1990/04/15",
    "1990-04-15T00:00:00Z",
    "１９９０-０４-１５",
    "",
    "   ",
  );
  const notADate = fc.oneof(
    impossibleDates,
    hostileText.filter((s) => !/\d{4}-\d{2}-\d{2}/.test(s)),
    fc.string({ minLength: 21, maxLength: 20_000 }),
  );
  const notAnId = fc
    .oneof(hostileText, fc.constantFrom("-1", "1.5", "1e5", "０１２３", "9".repeat(21), "0x10", "1 2"))
    .filter((s) => !/^\s*\d{1,20}\s*$/.test(s));
  const nonString = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  );
  /** not one form at all: garbage, or JSON that is no object (prototype keys included) */
  const notAForm = fc.oneof(
    hostileBody.filter((s) => !/birthDate|variant/.test(s)),
    fc.constantFrom(
      "null",
      "[]",
      "0",
      '"birthDate=1990-04-15"',
      "true",
      '{"__proto__":{"birthDate":"1990-04-15","email":"p@example.jp","variant":"9007199254740101","consent":"on"}}',
      '{"constructor":{"prototype":{"birthDate":"1990-04-15"}}}',
    ),
  );

  type Case = { customer: string; body: string | Record<string, unknown>; json: boolean; statuses: number[] };
  const birthdayCases: fc.Arbitrary<Case> = fc.oneof(
    fc
      .record({ birthDate: notADate, json: fc.boolean() })
      .map(({ birthDate, json }) => ({ customer: A_MEMBER, body: { birthDate, locale: "en" }, json, statuses: [400] })),
    nonString.map((birthDate) => ({ customer: A_MEMBER, body: { birthDate }, json: true, statuses: [400] })),
    fc
      .record({
        field: fc.constantFrom("locale", "return_to"),
        value: fc.oneof(nonString, fc.string({ minLength: 501, maxLength: 5_000 })),
      })
      .map(({ field, value }) => ({
        customer: A_MEMBER,
        body: { birthDate: "1990-04-15", [field]: value },
        json: true,
        statuses: [400],
      })),
    // a signed but unusable logged_in_customer_id is a guest, whatever the date
    fc
      .record({ customer: notAnId, json: fc.boolean() })
      .map(({ customer, json }) => ({ customer, body: validForm("birthday"), json, statuses: [401] })),
    fc
      .record({ body: notAForm, json: fc.boolean() })
      .map(({ body, json }) => ({ customer: A_MEMBER, body, json, statuses: [400] })),
  );

  const notAnEmail = fc.oneof(
    hostileText.filter((s) => !s.includes("@")),
    fc.constantFrom(
      "a@",
      "@example.jp",
      "a b@example.jp",
      "a@@example.jp",
      `${"x".repeat(250)}@example.jp`,
      "<script>@x.jp",
    ),
  );
  const notConsent = fc
    .oneof(fc.constantFrom("false", "off", "0", "no", "", "TRUE", " on"), hostileText)
    .filter((s) => !["true", "on", "1", "yes"].includes(s));
  const unknownVariant = fc
    .bigInt({ min: 1n, max: 10n ** 20n - 1n })
    .map(String)
    .filter((id) => ![A_SOLD_OUT, A_IN_STOCK, B_SOLD_OUT].includes(id));
  const bis = (fields: Record<string, unknown>) => ({
    ...validForm("back-in-stock"),
    email: "fuzz@example.jp",
    ...fields,
  });
  const backInStockCases: fc.Arbitrary<Case> = fc.oneof(
    fc
      .record({ email: notAnEmail, json: fc.boolean() })
      .map(({ email, json }) => ({ customer: "", body: bis({ email }), json, statuses: [400] })),
    fc
      .record({ variant: notAnId, json: fc.boolean() })
      .map(({ variant, json }) => ({ customer: "", body: bis({ variant }), json, statuses: [400] })),
    fc
      .record({ consent: fc.oneof(notConsent, fc.constant(undefined)), json: fc.boolean() })
      .map(({ consent, json }) => ({ customer: "", body: bis({ consent }), json, statuses: [400] })),
    fc
      .record({
        field: fc.constantFrom("email", "variant", "consent", "locale", "return_to"),
        value: nonString.filter((v) => v !== true),
      })
      .map(({ field, value }) => ({ customer: A_MEMBER, body: bis({ [field]: value }), json: true, statuses: [400] })),
    fc
      .record({ field: fc.constantFrom("locale", "return_to"), size: fc.integer({ min: 501, max: 5_000 }) })
      .map(({ field, size }) => ({
        customer: "",
        body: bis({ [field]: "x".repeat(size) }),
        json: true,
        statuses: [400],
      })),
    // well-formed, but the variant is unknown here, shop B's, or in stock: nothing to subscribe to
    fc
      .record({
        variant: fc.oneof(unknownVariant, fc.constant(B_SOLD_OUT)),
        customer: fc.constantFrom("", A_MEMBER, B_MEMBER),
        json: fc.boolean(),
      })
      .map(({ variant, customer, json }) => ({
        customer,
        body: bis({ variant, email: B_EMAIL, return_to: "/<script>alert(1)</script>" }),
        json,
        statuses: [404],
      })),
    fc
      .record({ customer: fc.constantFrom("", A_MEMBER, B_MEMBER), json: fc.boolean() })
      .map(({ customer, json }) => ({ customer, body: bis({ variant: A_IN_STOCK }), json, statuses: [409] })),
    fc
      .record({ body: notAForm, json: fc.boolean() })
      .map(({ body, json }) => ({ customer: "", body, json, statuses: [400] })),
  );

  test("signed, with hostile fields (impossible dates, wrong types, huge or injected text, unknown or another shop's ids): 4xx, nothing written", async () => {
    await noWrites(
      fc.asyncProperty(
        fc.oneof(
          birthdayCases.map((c) => ({ form: "birthday" as const, ...c })),
          backInStockCases.map((c) => ({ form: "back-in-stock" as const, ...c })),
        ),
        async (c) => {
          const res = await postProxy(c.form, signedProxyQuery(proxyParams(c.customer)), c.body, { json: c.json });
          await expectRefusal(res, c.statuses);
        },
      ),
      RUNS * 2,
    );
    // every JSON body that is no object, on both forms
    const before = await rowCounts();
    for (const form of ["birthday", "back-in-stock"] as const) {
      for (const body of ["null", "[]", "0", "true", '"x"', "[{}]"])
        await expectRefusal(await postProxy(form, signedProxyQuery(proxyParams()), body), [400]);
    }
    expect(await rowCounts()).toEqual(before);
  });

  test("a hostile return_to never leads off the shop's storefront, and never fails the request", async () => {
    const returnTo = fc.oneof(
      hostileText,
      fc.constantFrom(
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\\evil.example",
        "//evil.example",
        "/%2F/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/ /evil.example",
        "/\u3000/x",
        "/商品/玉露?variant=1",
        "/\u0000",
        "/\ud800",
        `/${"a".repeat(499)}`,
      ),
    );
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(proxyForm, returnTo, async (form, back) => {
        // acting (a birthday saved or unchanged, a subscription made or already there) ends in the
        // confirmation Shopify renders as Liquid, linking back;
        // an in-stock variant in the bilingual page with its link back
        const acting = form === "birthday" ? { ...validForm(form), return_to: back } : bis({ return_to: back });
        const res = await postProxy(form, signedProxyQuery(proxyParams("9007199254740013")), acting, { json: false });
        sent += 1;
        if (back.length > 500) return expectRefusal(res, [400]);
        expect(res.status).toBe(200);
        const page = await res.text();
        // nothing the visitor sent can become Liquid: no braces or percent signs reach the page raw
        expect(page.replace(/style="[^"]*"/g, "")).not.toMatch(/[{}%]/);
        const href = /<a href="([^"]*)">/
          .exec(page)![1]!
          .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
          .replace(/&amp;/g, "&")
          .replace(/&quot;/g, '"')
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">");
        expect(href).toMatch(/^\/[\x21-\x7e]*$/);
        expect(new URL(href, STOREFRONT).host).toBe(SHOP_A);
        expect(page).toContain(
          form === "birthday" ? 'data-joren-outcome="joren_birthday=' : 'data-joren-outcome="joren_back_in_stock=',
        );
        if (form === "back-in-stock") {
          await expectRefusal(
            await postProxy(form, signedProxyQuery(proxyParams("")), bis({ variant: A_IN_STOCK, return_to: back }), {
              json: false,
            }),
            [409],
          );
        }
      }),
      { numRuns: RUNS },
    );
    expect(sent).toBe(RUNS);
    await stillAnswers();
  });

  test("another shop's customer id under shop A's signature changes nothing of shop B", async () => {
    const before = await shopB();
    const birthday = await postProxy("birthday", signedProxyQuery(proxyParams(B_MEMBER)), { birthDate: "1985-06-01" });
    expect(birthday.status).toBe(200);
    const notify = await postProxy("back-in-stock", signedProxyQuery(proxyParams(B_MEMBER)), bis({ email: B_EMAIL }));
    // shop A knows no customer with that id and address: the address must confirm first
    expect(notify.status).toBe(202);
    for (const res of [birthday, notify]) expect(await res.text()).not.toContain(B_NAME);
    expect(await shopB()).toEqual(before);
    // what was written is shop A's own row for that id
    const row = await db.customer.findUniqueOrThrow({ where: { shopId_gid: { shopId: a.shopId, gid: b.gid } } });
    expect(row.birthDate).toBe("1985-06-01");
    expect(row.emailConsent).toBe("NOT_SUBSCRIBED");
    expect(await db.backInStockSubscription.count({ where: { customerId: row.id, shopId: a.shopId } })).toBe(0);
    expect(await db.optInRequest.count({ where: { shopId: a.shopId, emailNormalized: B_EMAIL.toLowerCase() } })).toBe(
      1,
    );
  });

  test("bodies over 64 KiB: 413 before the signature is looked at, answered, nothing written; up to 64 KiB is read", async () => {
    await noWrites(
      fc.asyncProperty(
        proxyForm,
        fc.integer({ min: 64 * 1024 + 1, max: 3 * 1024 * 1024 }),
        fc.boolean(),
        fc.boolean(),
        async (form, size, signed, json) => {
          const params = proxyParams();
          const body = json
            ? JSON.stringify({ ...validForm(form), pad: "x".repeat(size) })
            : `${query(validForm(form) as Record<string, string>)}&pad=${"x".repeat(size)}`;
          const res = await postProxy(form, signed ? signedProxyQuery(params) : query(params), body, { json });
          await expectRefusal(res, [413]);
        },
      ),
      6,
    );
    await noWrites(
      fc.asyncProperty(proxyForm, async (form) => {
        // a body exactly at the bound is read and judged (an invalid form: 400, not 413)
        const head = JSON.stringify({ ...validForm(form), birthDate: "nope", email: "nope" });
        const body = `${head}${" ".repeat(64 * 1024 - Buffer.byteLength(head))}`;
        expect(Buffer.byteLength(body)).toBe(64 * 1024);
        await expectRefusal(await postProxy(form, signedProxyQuery(proxyParams()), body), [400]);
        // a streamed body declares no length: it is counted as it arrives
        const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
        let left = 20;
        const stream = new ReadableStream<Uint8Array>({ pull: (c) => (left-- > 0 ? c.enqueue(chunk) : c.close()) });
        const res = await fetch(`${server.url}/proxy/${form}?${signedProxyQuery(proxyParams())}`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: stream,
          duplex: "half",
        } as RequestInit);
        await expectRefusal(res, [413]);
      }),
      2,
    );
  });

  test("other methods: 405, nothing written", async () => {
    await noWrites(
      fc.asyncProperty(proxyForm, fc.constantFrom("GET", "PUT", "PATCH", "DELETE"), async (form, method) => {
        const res = await fetch(`${server.url}/proxy/${form}?${signedProxyQuery(proxyParams())}`, {
          method,
          redirect: "manual",
          ...(method === "GET" ? {} : { body: JSON.stringify(validForm(form)) }),
        });
        expect(res.status).toBe(405);
        expect(res.headers.get("allow")).toBe("POST");
        await res.arrayBuffer();
      }),
      12,
    );
  });
});

// ---- rate limits ----------------------------------------------------------------------------

describe("rate limits on the public endpoints", () => {
  async function flood(limit: number, send: (ip: string) => Promise<Response>) {
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const statuses: number[] = [];
    // in parallel batches; the bucket refills while they go (2 a second at the people limits)
    const total = Math.ceil(limit * 1.25) + 20;
    for (let sent = 0; sent < total; sent += 25) {
      const batch = await Promise.all(Array.from({ length: Math.min(25, total - sent) }, () => send(ip)));
      for (const res of batch) {
        statuses.push(res.status);
        if (res.status === 429) {
          expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        }
        await res.arrayBuffer();
      }
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((s) => s !== 429).length).toBeGreaterThanOrEqual(limit - 5);
    // another address is unaffected
    const other = await send("203.0.113.9");
    expect(other.status).not.toBe(429);
    return ip;
  }

  test("unsubscribe, click, open and SendGrid events answer 429 with Retry-After past the per-address limit, and write nothing", async () => {
    const before = await rowCounts();
    const headers = (ip: string) => ({ "x-forwarded-for": `${ip}, 10.0.0.1` });
    await flood(120, (ip) =>
      fetch(withToken("/email/unsubscribe", "bad"), {
        method: "POST",
        headers: headers(ip),
        body: "List-Unsubscribe=One-Click",
      }),
    );
    const clicker = await flood(120, (ip) =>
      fetch(withToken("/email/click", "bad"), { headers: headers(ip), redirect: "manual" }),
    );
    // the bucket refills 2 tokens a second, so on a slow machine one request may slip through:
    // the limit holds if the next few quick requests meet it
    let limited: Response | null = null;
    for (let i = 0; i < 10 && limited?.status !== 429; i++)
      limited = await fetch(withToken("/email/click", "bad"), { headers: headers(clicker) });
    expect(limited?.status).toBe(429);
    expect(await limited!.text()).toMatch(/Too many requests[\s\S]*リクエストが多すぎます/);
    await flood(1200, (ip) => fetch(withToken("/email/open", "bad"), { headers: headers(ip) }));
    await flood(600, (ip) => postEvents("[]", { ...headers(ip), "content-type": "application/json" }));
    expect(await rowCounts()).toEqual(before);
    await stillAnswers();
  });

  test("the app-proxy forms answer 429 with Retry-After past the per-address limit, before the signature, and write nothing", async () => {
    const before = await rowCounts();
    const headers = (ip: string) => ({ "x-forwarded-for": `${ip}, 10.0.0.1`, "accept-language": "ja" });
    for (const form of ["birthday", "back-in-stock"] as const) {
      const flooder = await flood(120, (ip) =>
        postProxy(form, query(proxyParams()), validForm(form), { headers: headers(ip) }),
      );
      // a signed request from that address is refused too (one that would change nothing if it slipped through on a refill)
      const harmless = form === "birthday" ? validForm(form) : { ...validForm(form), variant: A_IN_STOCK };
      let limited: Response | null = null;
      for (let i = 0; i < 10 && limited?.status !== 429; i++)
        limited = await postProxy(form, signedProxyQuery(proxyParams(form === "birthday" ? "" : A_MEMBER)), harmless, {
          headers: headers(flooder),
        });
      expect(limited?.status).toBe(429);
      expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await limited!.json()).toMatchObject({
        ok: false,
        outcome: "rate_limited",
        message: expect.stringContaining("リクエストが多すぎます"),
        messages: { en: expect.stringContaining("Too many requests") },
      });
    }
    expect(await rowCounts()).toEqual(before);
    await stillAnswers();
  });
});
