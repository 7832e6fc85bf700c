// Hostile input against the real server build over HTTP: property-based (fast-check) garbage for
// every public endpoint — POST /webhooks, POST /pixel/events, /email/unsubscribe (GET page and
// one-click POST), /email/click, /email/open, POST /sendgrid/events. For each: the right 4xx,
// never a 5xx, the server still answers afterwards, no row written in any table, and nothing of
// another shop read or changed. Then the rate limits: 429 with Retry-After per client address.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import fc from "fast-check";
import { Prisma, type Db } from "~/db.server";
import { shopifyWebhookHeaders, signWebhookBody } from "~/lib/webhook-signing";
import { buildMessageLinks } from "~/modules/mail/links.server";
import { mailTokenSecret } from "~/modules/mail/mail-secret.server";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "~/modules/mail/sendgrid-events.server";
import { signToken, type TokenKind } from "~/modules/mail/tokens";
import { registerLocalShop } from "~/modules/shops/install-shop.server";
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
  const customer = await db.customer.create({
    data: { shopId: shop.shopId, gid: shop.gid, email, emailNormalized: email, firstName: "Private", emailConsent: "SUBSCRIBED", emailConsentAt: new Date(), emailConsentSource: "shopify" },
  });
  shop.customerId = customer.id;
  const message = await db.message.create({
    data: { shopId: shop.shopId, scenario: "welcome", customerId: customer.id, triggerKey: "t:1", status: "sent", dueAt: new Date(), email, locale: "ja", subject: "ようこそ", sentAt: new Date() },
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
    env: { SENDGRID_WEBHOOK_PUBLIC_KEY: publicKey.export({ format: "der", type: "spki" }).toString("base64"), JOREN_MAIL_TOKEN_SECRET: "", JOREN_LOG_LEVEL: "error" },
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
    const delegate = (db as unknown as Record<string, { count(): Promise<number> }>)[model[0].toLowerCase() + model.slice(1)];
    counts[model] = await delegate.count();
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
const headerText = fc.oneof(fc.stringMatching(/^[\x21-\x7e]{0,100}$/), fc.constantFrom(...INJECTIONS.filter((s) => /^[\x21-\x7e ]+$/.test(s))));
const wrongType = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }), hostileText);
const hostileBody = fc.oneof(fc.json({ maxDepth: 3 }), hostileText, fc.constant(""), fc.constant("{"), fc.constant("[]"), fc.constant("null"));

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
          fc.record({ kind: fc.constant("not-json" as const), body: fc.constantFrom("{", "not json", "{'a':1}", "[1,,2]", "\u00ff\u00fe") }),
          fc.record({ kind: fc.constant("unknown-shop" as const), body: fc.json({ maxDepth: 2 }), shop: fc.oneof(headerText, fc.constant("evil.myshopify.com")) }),
          fc.record({ kind: fc.constant("unknown-topic" as const), body: fc.json({ maxDepth: 2 }), topic: headerText.filter((s) => !/^[a-z_]+\/[a-z_]+$/.test(s)) }),
        ),
        async (input) => {
          const shop = input.kind === "unknown-shop" ? input.shop : SHOP_A;
          const topic = input.kind === "unknown-topic" ? input.topic : "orders/create";
          const res = await postWebhookRaw(input.body, shopifyWebhookHeaders({ secret: TEST_SECRET, body: input.body, topic, shop }));
          if (input.kind === "not-json") expect(res.status).toBe(400);
          else if (input.kind === "unknown-shop") expect([400, 401, 404]).toContain(res.status);
          else if (input.topic.trim() === "") expect(res.status).toBe(400); // no topic header at all
          else {
            expect(res.status).toBe(200);
            expect(await res.json()).toEqual({ ignored: "topic not handled" });
          }
        },
      ),
    );
  });

  test("signed payloads of the wrong shape are stored once, then rejected with the reason; the mirror is untouched", async () => {
    const topics = ["orders/create", "orders/updated", "customers/update", "checkouts/create", "products/update", "refunds/create"];
    const receipts = await db.webhookReceipt.count();
    let sent = 0;
    await noWrites(
      fc.asyncProperty(
        fc.constantFrom(...topics),
        fc.oneof(
          fc.dictionary(fc.constantFrom("id", "email", "line_items", "customer", "updated_at", "total_price", "admin_graphql_api_id"), wrongType, { maxKeys: 6 }),
          fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== "object" || v === null || Array.isArray(v)),
        ),
        async (topic, payload) => {
          const body = JSON.stringify(payload);
          const res = await postWebhookRaw(body, shopifyWebhookHeaders({ secret: TEST_SECRET, body, topic, shop: SHOP_A }));
          expect(res.status).toBe(200);
          sent += 1;
        },
      ),
      RUNS,
      ["WebhookReceipt"],
    );
    await waitForInbox(db, 60_000);
    const stored = await db.webhookReceipt.findMany({ where: { shopId: a.shopId }, skip: receipts, select: { status: true, error: true } });
    expect(stored.length).toBe(sent);
    expect(new Set(stored.map((r) => r.status))).toEqual(new Set(["rejected"]));
    expect(stored.every((r) => (r.error ?? "").length > 0)).toBe(true);
  });

  test("a body over 5 MB: 413 before it is read", async () => {
    const body = JSON.stringify({ id: 1, note: "x".repeat(5 * 1024 * 1024 + 10) });
    await noWrites(
      fc.asyncProperty(fc.constant(body), async (big) => {
        const res = await postWebhookRaw(big, shopifyWebhookHeaders({ secret: TEST_SECRET, body: big, topic: "orders/create", shop: SHOP_A }));
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
  return fetch(`${server.url}/pixel/events`, { method: "POST", headers: { "content-type": "text/plain;charset=UTF-8", ...headers }, body });
}

describe("POST /pixel/events", () => {
  test("garbage, wrong types and unknown shops: 400/404, nothing stored", async () => {
    await noWrites(
      fc.asyncProperty(
        fc.oneof(
          hostileBody,
          // a real event with one field of the wrong type (not a number: ids above 2^53 arrive as text by design)
          fc
            .tuple(fc.constantFrom("id", "name", "clientId", "timestamp"), fc.oneof(fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 })))
            .map(([field, value]) => JSON.stringify({ shop: SHOP_A, customer: null, event: pixelEvent({ [field]: value }) })),
          // a valid event for a shop that is not installed
          fc.oneof(hostileText, fc.constant("not-installed.myshopify.com")).map((shop) => JSON.stringify({ shop, customer: null, event: pixelEvent() })),
          fc.tuple(wrongType, fc.array(wrongType, { maxLength: 3 })).map(([shop, events]) => JSON.stringify({ shop, customer: shop, events })),
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
    const res = await postPixel(JSON.stringify({ shop: SHOP_A, customer: { id: b.gid, email: B_EMAIL }, event: pixelEvent({ name: "product_added_to_cart", data: { cartLine: { quantity: 1, merchandise: { id: "1", product: { id: "2" } } } } }) }));
    expect(res.status).toBe(200);
    expect(await shopB()).toEqual(before);
    const rows = await db.behaviourEvent.findMany({ where: { shopId: a.shopId }, select: { customerId: true } });
    expect(rows.some((r) => r.customerId === b.customerId)).toBe(false);
  });
});

// ---- email links ----------------------------------------------------------------------------

const DAY = 24 * 3600;
function token(kind: TokenKind, options: { shop?: typeof a; messageId?: string; customerId?: string; exp?: number; key?: string; url?: string } = {}) {
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
const withToken = (path: string, t: string) => `${server.url}${path}?t=${encodeURIComponent(t.replace(/[\ud800-\udfff]/g, "\ufffd"))}`;

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
        const res = await fetch(withToken("/email/unsubscribe", bad), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
        expect(res.status).toBe(400);
      }),
    );
    await noWrites(
      fc.asyncProperty(fc.constant(0), async () => {
        const res = await fetch(withToken("/email/unsubscribe", token("unsubscribe")), { method: "POST", body: "x".repeat(1024 * 1024 + 1) });
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
    for (const forged of [token("unsubscribe", { messageId: b.messageId }), token("unsubscribe", { customerId: b.customerId }), token("unsubscribe", { messageId: b.messageId, customerId: b.customerId })]) {
      const page = await fetch(withToken("/email/unsubscribe", forged));
      expect(await page.text()).not.toContain(B_NAME);
      const res = await fetch(withToken("/email/unsubscribe", forged), { method: "POST", body: "List-Unsubscribe=One-Click" });
      expect(res.status).toBeLessThan(500);
    }
    expect(await shopB()).toEqual(before);
  });
});

describe("/email/click and /email/open", () => {
  test("click with a bad token: 400 and no redirect; open with one: the GIF; nothing written", async () => {
    await noWrites(
      fc.asyncProperty(badToken("click"), badToken("open"), headerText, async (badClick, badOpen, target) => {
        const click = await fetch(`${withToken("/email/click", badClick)}&url=${encodeURIComponent(`https://evil.example/${target}`)}`, { redirect: "manual" });
        expect(click.status).toBe(400);
        expect(click.headers.get("location")).toBeNull();
        const open = await fetch(withToken("/email/open", badOpen));
        expect(open.status).toBe(200);
        expect(open.headers.get("content-type")).toBe("image/gif");
      }),
    );
  });

  test("a valid click redirects only to the signed URL, whatever else the request says", async () => {
    const { clickUrl } = buildMessageLinks({ appUrl: server.url, secret, shopId: a.shopId, messageId: a.messageId, customerId: a.customerId, now: new Date() });
    const url = clickUrl("https://alpha-tea.example/products/tea");
    await fc.assert(
      fc.asyncProperty(headerText, async (extra) => {
        const res = await fetch(`${url}&url=${encodeURIComponent(`https://evil.example/${extra}`)}&next=${encodeURIComponent(extra)}`, { redirect: "manual", headers: { referer: `https://evil.example/${extra}` } });
        expect(res.status).toBe(302);
        expect(res.headers.get("location")).toBe("https://alpha-tea.example/products/tea");
      }),
      { numRuns: 20 },
    );
  });

  test("click and open tokens of shop A naming shop B's message record nothing for shop B", async () => {
    const before = await shopB();
    const click = await fetch(withToken("/email/click", token("click", { messageId: b.messageId })), { redirect: "manual" });
    expect(click.status).toBe(302);
    const open = await fetch(withToken("/email/open", token("open", { messageId: b.messageId })));
    expect(open.status).toBe(200);
    expect(await shopB()).toEqual(before);
  });
});

// ---- POST /sendgrid/events ------------------------------------------------------------------

function signedEvents(body: string, timestamp = String(Math.floor(Date.now() / 1000))) {
  const signature = sign("sha256", Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), { key: sendgridKey, dsaEncoding: "der" }).toString("base64");
  return { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp, "content-type": "application/json" };
}
const postEvents = (body: string, headers: Record<string, string>) => fetch(`${server.url}/sendgrid/events`, { method: "POST", headers, body });

describe("POST /sendgrid/events", () => {
  test("missing (401), malformed, stale or forged (403) signatures: nothing written", async () => {
    const other = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    await noWrites(
      fc.asyncProperty(hostileBody, fc.constantFrom("none", "garbage", "stale", "future", "other-key", "other-body"), headerText, async (body, kind, garbage) => {
        let headers: Record<string, string> = { "content-type": "application/json" };
        if (kind === "garbage") headers = { ...headers, [SIGNATURE_HEADER]: garbage || "x", [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)) };
        if (kind === "stale") headers = signedEvents(body, String(Math.floor(Date.now() / 1000) - 3600));
        if (kind === "future") headers = signedEvents(body, String(Math.floor(Date.now() / 1000) + 3600));
        if (kind === "other-key") {
          const ts = String(Math.floor(Date.now() / 1000));
          headers = { ...headers, [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: sign("sha256", Buffer.from(ts + body), { key: other, dsaEncoding: "der" }).toString("base64") };
        }
        if (kind === "other-body") headers = { ...signedEvents(`${body}x`) };
        const res = await postEvents(body, headers);
        expect(res.status).toBe(kind === "none" ? 401 : 403);
      }),
    );
  });

  test("signed but the wrong shape: 400; oversized: 413; nothing written", async () => {
    await noWrites(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 2 }).filter((v) => !Array.isArray(v)),
          fc.array(fc.oneof(wrongType, fc.dictionary(fc.constantFrom("event", "email", "timestamp", "sg_event_id"), wrongType, { minKeys: 1 })), { minLength: 1, maxLength: 5 }),
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
        email: B_EMAIL, timestamp: now, event, sg_event_id: `cross-${i}-${createHash("sha1").update(String(Math.random())).digest("hex")}`, sg_message_id: "x", shop_id: a.shopId, joren_message_id: b.messageId, scenario: "welcome", ...(event === "click" ? { url: "https://x.example" } : {}), ...(event === "bounce" ? { type: "bounce", reason: "550" } : {}),
      })),
    );
    const res = await postEvents(body, signedEvents(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ applied: 0 });
    expect(await shopB()).toEqual(before);
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
    await flood(120, (ip) => fetch(withToken("/email/unsubscribe", "bad"), { method: "POST", headers: headers(ip), body: "List-Unsubscribe=One-Click" }));
    const clicker = await flood(120, (ip) => fetch(withToken("/email/click", "bad"), { headers: headers(ip), redirect: "manual" }));
    // the bucket refills 2 tokens a second, so on a slow machine one request may slip through:
    // the limit holds if the next few quick requests meet it
    let limited: Response | null = null;
    for (let i = 0; i < 10 && limited?.status !== 429; i++) limited = await fetch(withToken("/email/click", "bad"), { headers: headers(clicker) });
    expect(limited?.status).toBe(429);
    expect(await limited!.text()).toMatch(/Too many requests[\s\S]*リクエストが多すぎます/);
    await flood(1200, (ip) => fetch(withToken("/email/open", "bad"), { headers: headers(ip) }));
    await flood(600, (ip) => postEvents("[]", { ...headers(ip), "content-type": "application/json" }));
    expect(await rowCounts()).toEqual(before);
    await stillAnswers();
  });
});
