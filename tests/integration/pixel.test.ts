// The pixel collector: handlePixelRequest with real Requests against a migrated database (each
// answer is followed by draining the queue, so the rows it leads to can be checked), the queue's
// own bounds and retries, and the route over HTTP in the real server build.
import fc from "fast-check";
import type { Db } from "~/db.server";
import { PixelBuffer, PIXEL_RETRY_AFTER_SECONDS } from "~/modules/ingest/pixel/pixel-buffer.server";
import { handlePixelRequest, MAX_BODY_BYTES } from "~/modules/jobs/endpoints/pixel-endpoint.server";
import { recordPixelEvents, type RecordPixelEventsInput } from "~/modules/ingest/pixel/record-pixel-events.server";
import { perMinute, PixelRateLimiter } from "~/modules/platform/rate-limit/pixel-rate-limit";
import { redactCustomer } from "~/modules/ingest/compliance/redact-customer.server";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { createTestDb, type TestDb } from "../helpers/db";

const NOW = new Date("2026-11-23T12:00:00.000Z");
const SHOP = "pixel-shop.myshopify.com";
const OTHER = "pixel-other.myshopify.com";
const GONE = "pixel-gone.myshopify.com";
const BIG_PRODUCT = "820982911946154508";
const BIG_VARIANT = "45600000000000000123";

let t: TestDb;
let shopId: string;
let otherShopId: string;
const logLevel = process.env.JOREN_LOG_LEVEL;

beforeAll(async () => {
  // Hundreds of rejections below are expected: their warn lines would bury real output.
  process.env.JOREN_LOG_LEVEL = "error";
  t = await createTestDb();
  shopId = (await t.db.shop.create({ data: { domain: SHOP } })).id;
  otherShopId = (await t.db.shop.create({ data: { domain: OTHER } })).id;
  await t.db.shop.create({ data: { domain: GONE, uninstalledAt: new Date("2026-11-01T00:00:00Z") } });
});
afterAll(async () => {
  if (logLevel === undefined) delete process.env.JOREN_LOG_LEVEL;
  else process.env.JOREN_LOG_LEVEL = logLevel;
  await t?.close();
});

let seq = 0;
function unique(prefix: string): string {
  seq += 1;
  return `${prefix}-${seq}`;
}

const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

function event(name: string, data: unknown, overrides: Record<string, unknown> = {}) {
  return {
    id: unique("evt"),
    name,
    clientId: "client-default",
    timestamp: minutesAgo(5),
    context: { document: { location: { href: "https://pixel-shop.myshopify.com/products/tea?variant=1" } } },
    data,
    ...overrides,
  };
}

const productVariant = { id: BIG_VARIANT, product: { id: BIG_PRODUCT, url: "/products/tea" } };
const viewed = (overrides: Record<string, unknown> = {}) => event("product_viewed", { productVariant }, overrides);

const roomy = () => new PixelRateLimiter({ perClient: perMinute(1e6), perIp: perMinute(1e6), perShop: perMinute(1e6) });

function request(body: unknown, init: { method?: string; headers?: Record<string, string> } = {}): Request {
  const method = init.method ?? "POST";
  return new Request("https://joren.test/pixel/events", {
    method,
    headers: { "content-type": "text/plain;charset=UTF-8", ...init.headers },
    body: method === "POST" ? (typeof body === "string" ? body : JSON.stringify(body)) : undefined,
  });
}

const queueFor = (
  apply: (input: RecordPixelEventsInput) => Promise<unknown> = (input) => recordPixelEvents(t.db, input),
  capacity?: number,
) => new PixelBuffer({ apply, capacity });
let queue: PixelBuffer;
beforeEach(() => {
  queue = queueFor();
});

async function until(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Answers the request, then waits until the queue has applied what it accepted. */
async function send(req: Request, deps: { rateLimiter?: PixelRateLimiter; db?: Db; buffer?: PixelBuffer } = {}) {
  const buffer = deps.buffer ?? queue;
  const res = await handlePixelRequest(req, {
    db: deps.db ?? t.db,
    now: () => NOW,
    rateLimiter: deps.rateLimiter ?? roomy(),
    buffer,
  });
  await buffer.drained();
  return res;
}

async function counts() {
  const [events, visitors, customers] = await Promise.all([
    t.db.behaviourEvent.count(),
    t.db.visitor.count(),
    t.db.customer.count(),
  ]);
  return { events, visitors, customers };
}

function expectCors(res: Response) {
  expect(res.headers.get("access-control-allow-origin")).toBe("*");
  expect(res.headers.get("access-control-allow-methods")).toBe("POST, OPTIONS");
}

async function expectRejected(req: Request, status: number, deps: { rateLimiter?: PixelRateLimiter } = {}) {
  const before = await counts();
  const res = await send(req, deps);
  expect(res.status).toBe(status);
  expectCors(res);
  expect(await counts()).toEqual(before);
  return (await res.json()) as { error: string };
}

describe("CORS and methods", () => {
  test("OPTIONS answers 204 with the CORS headers", async () => {
    const res = await send(request(null, { method: "OPTIONS" }));
    expect(res.status).toBe(204);
    expectCors(res);
    expect(res.headers.get("access-control-allow-headers")).toBe("content-type");
    expect(Number(res.headers.get("access-control-max-age"))).toBeGreaterThan(0);
  });

  test("GET and PUT are 405", async () => {
    for (const method of ["GET", "PUT"]) {
      const res = await send(request(null, { method }));
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST, OPTIONS");
      expectCors(res);
    }
  });
});

describe("storing events", () => {
  test("a single product view is stored with exact product and variant GIDs", async () => {
    const clientId = unique("client");
    const e = viewed({ clientId });
    const res = await send(request({ shop: SHOP, customer: null, event: e }));
    expect(res.status).toBe(200);
    expectCors(res);
    expect(await res.json()).toEqual({ accepted: 1, ignored: 0 });

    const row = await t.db.behaviourEvent.findUniqueOrThrow({ where: { shopId_eventId: { shopId, eventId: e.id } } });
    expect(row).toMatchObject({
      name: "product_viewed",
      clientId,
      customerId: null,
      productGid: `gid://shopify/Product/${BIG_PRODUCT}`,
      variantGid: `gid://shopify/ProductVariant/${BIG_VARIANT}`,
      url: "https://pixel-shop.myshopify.com/products/tea?variant=1",
      occurredAt: new Date(e.timestamp),
      receivedAt: NOW,
    });
    const visitor = await t.db.visitor.findUniqueOrThrow({ where: { shopId_clientId: { shopId, clientId } } });
    expect(visitor).toMatchObject({ customerId: null, firstSeenAt: NOW, lastSeenAt: NOW });
  });

  test("an id sent as a bare JSON number above 2^53 survives exactly", async () => {
    const id = unique("evt");
    const text = `{"shop":"${SHOP}","customer":null,"event":{"id":"${id}","name":"product_viewed","clientId":"c-big","timestamp":"${minutesAgo(1)}","data":{"productVariant":{"id":${BIG_VARIANT},"product":{"id":${BIG_PRODUCT}}}}}}`;
    expect((await send(request(text))).status).toBe(200);
    const row = await t.db.behaviourEvent.findUniqueOrThrow({ where: { shopId_eventId: { shopId, eventId: id } } });
    expect(row.productGid).toBe(`gid://shopify/Product/${BIG_PRODUCT}`);
    expect(row.variantGid).toBe(`gid://shopify/ProductVariant/${BIG_VARIANT}`);
  });

  test("a batch stores every kind, with quantities and the checkout token", async () => {
    const clientId = unique("client");
    const events = [
      event("page_viewed", {}, { clientId }),
      viewed({ clientId }),
      event("product_added_to_cart", { cartLine: { quantity: 3, merchandise: productVariant } }, { clientId }),
      event(
        "checkout_started",
        {
          checkout: {
            token: "ck-batch",
            email: null,
            lineItems: [
              { quantity: 3, variant: productVariant },
              { quantity: 1, variant: null },
            ],
          },
        },
        { clientId },
      ),
      event("search_submitted", { searchResult: { query: "tea" } }, { clientId }),
    ];
    const res = await send(request({ shop: SHOP, customer: null, events }));
    expect(await res.json()).toEqual({ accepted: 4, ignored: 1 });

    const rows = await t.db.behaviourEvent.findMany({ where: { shopId, clientId }, orderBy: { name: "asc" } });
    expect(rows.map((r) => r.name)).toEqual([
      "checkout_started",
      "page_viewed",
      "product_added_to_cart",
      "product_viewed",
    ]);
    expect(rows[0]).toMatchObject({ checkoutToken: "ck-batch", quantity: 4, productGid: null });
    expect(rows[2]).toMatchObject({ quantity: 3, variantGid: `gid://shopify/ProductVariant/${BIG_VARIANT}` });
  });

  test("a replayed event is stored once", async () => {
    const clientId = unique("client");
    const e = viewed({ clientId });
    const body = { shop: SHOP, customer: null, event: e };
    expect(await (await send(request(body))).json()).toEqual({ accepted: 1, ignored: 0 });
    expect(await (await send(request(body))).json()).toEqual({ accepted: 1, ignored: 0 });
    const twiceInABatch = { shop: SHOP, customer: null, events: [e, { ...e }, viewed({ clientId })] };
    expect(await (await send(request(twiceInABatch))).json()).toEqual({ accepted: 3, ignored: 0 });
    expect(await t.db.behaviourEvent.count({ where: { shopId, eventId: e.id } })).toBe(1);
    expect(await t.db.behaviourEvent.count({ where: { shopId, clientId } })).toBe(2);
  });

  test("the same new event sent concurrently, through two queues (two instances), is stored once, and no request fails", async () => {
    const e = viewed({ clientId: unique("client") });
    const body = { shop: SHOP, customer: null, event: e };
    const other = queueFor();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => send(request(body), { buffer: i % 2 ? other : queue })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await t.db.behaviourEvent.count({ where: { shopId, eventId: e.id } })).toBe(1);
  });

  test("the same event id in another shop is another event", async () => {
    const e = viewed({ clientId: unique("client") });
    await send(request({ shop: SHOP, customer: null, event: e }));
    expect((await send(request({ shop: OTHER, customer: null, event: e }))).status).toBe(200);
    expect(await t.db.behaviourEvent.count({ where: { eventId: e.id } })).toBe(2);
    expect(await t.db.behaviourEvent.count({ where: { shopId: otherShopId, eventId: e.id } })).toBe(1);
  });
});

describe("identifying the person", () => {
  test("a customer id claimed for another shop's customer is not attached", async () => {
    const foreign = await t.db.customer.create({ data: { shopId: otherShopId, gid: "gid://shopify/Customer/555" } });
    const clientId = unique("client");
    const before = await counts();
    const res = await send(
      request({ shop: SHOP, customer: { id: "gid://shopify/Customer/555", email: null }, event: viewed({ clientId }) }),
    );
    expect(res.status).toBe(200);

    const row = await t.db.behaviourEvent.findFirstOrThrow({ where: { shopId, clientId } });
    expect(row.customerId).toBeNull();
    expect(
      (await t.db.visitor.findUniqueOrThrow({ where: { shopId_clientId: { shopId, clientId } } })).customerId,
    ).toBeNull();
    expect((await counts()).customers).toBe(before.customers);
    expect(await t.db.behaviourEvent.count({ where: { customerId: foreign.id } })).toBe(0);
  });

  // Before ADR 0024 these claims picked the person; the endpoint is unsigned, so they were a way
  // to send someone else browse mail. They are kept on the visitor as claims only.
  test("a claimed id the shop has is recorded as a claim, never attached, in GID or numeric form", async () => {
    const own = await t.db.customer.create({ data: { shopId, gid: "gid://shopify/Customer/777" } });
    for (const id of ["gid://shopify/Customer/777", "777", 777]) {
      const clientId = unique("client");
      await send(request({ shop: SHOP, customer: { id, email: null }, event: viewed({ clientId }) }));
      const row = await t.db.behaviourEvent.findFirstOrThrow({ where: { shopId, clientId } });
      expect(row.customerId).toBeNull();
      const visitor = await t.db.visitor.findUniqueOrThrow({ where: { shopId_clientId: { shopId, clientId } } });
      expect(visitor).toMatchObject({
        customerId: null,
        linkedVia: null,
        claimedCustomerGid: "gid://shopify/Customer/777",
      });
    }
    expect(await t.db.behaviourEvent.count({ where: { customerId: own.id } })).toBe(0);
  });

  test("a checkout email, in the customer object or inside the event, is a claim and links nobody", async () => {
    const person = await t.db.customer.create({
      data: { shopId, gid: "gid://shopify/Customer/999", emailNormalized: "solo@example.com" },
    });
    const clientId = unique("client");
    const checkout = event(
      "checkout_started",
      { checkout: { token: unique("ck-unmirrored"), email: "Solo@Example.com", lineItems: [] } },
      { clientId },
    );
    await send(
      request({
        shop: SHOP,
        customer: { id: null, email: "  SOLO@example.COM " },
        events: [viewed({ clientId }), checkout],
      }),
    );
    expect(await t.db.behaviourEvent.count({ where: { shopId, clientId, customerId: null } })).toBe(2);
    expect(await t.db.visitor.findUniqueOrThrow({ where: { shopId_clientId: { shopId, clientId } } })).toMatchObject({
      customerId: null,
      email: "solo@example.com",
    });
    expect(await t.db.behaviourEvent.count({ where: { customerId: person.id } })).toBe(0);
  });

  test("a checkout token that Shopify's signed checkout shares links the browser and its earlier anonymous events", async () => {
    const buyer = await t.db.customer.create({
      data: { shopId, gid: "gid://shopify/Customer/888", emailNormalized: "buyer@example.com" },
    });
    const token = unique("ck-mirrored");
    await t.db.checkout.create({
      data: {
        shopId,
        token,
        customerId: buyer.id,
        email: "buyer@example.com",
        emailNormalized: "buyer@example.com",
        shopifyCreatedAt: NOW,
      },
    });
    const clientId = unique("client");
    const earlier = [viewed({ clientId, timestamp: minutesAgo(30) }), viewed({ clientId, timestamp: minutesAgo(20) })];
    await send(request({ shop: SHOP, customer: null, events: earlier }));
    expect(await t.db.behaviourEvent.count({ where: { shopId, clientId, customerId: null } })).toBe(2);

    const checkout = event("checkout_started", { checkout: { token, email: null, lineItems: [] } }, { clientId });
    expect((await send(request({ shop: SHOP, customer: null, event: checkout }))).status).toBe(200);
    expect(await t.db.behaviourEvent.count({ where: { shopId, clientId, customerId: buyer.id } })).toBe(3);
    expect(await t.db.visitor.findUniqueOrThrow({ where: { shopId_clientId: { shopId, clientId } } })).toMatchObject({
      customerId: buyer.id,
      linkedVia: "checkout",
    });

    // Later events from that browser belong to the same person, whoever a request claims to be.
    const other = await t.db.customer.create({
      data: { shopId, gid: "gid://shopify/Customer/889", emailNormalized: "other@example.com" },
    });
    await send(
      request({ shop: SHOP, customer: { id: other.gid, email: "other@example.com" }, event: viewed({ clientId }) }),
    );
    expect(await t.db.behaviourEvent.count({ where: { shopId, clientId, customerId: buyer.id } })).toBe(4);
    expect(await t.db.behaviourEvent.count({ where: { customerId: other.id } })).toBe(0);
    expect(await t.db.visitor.findUniqueOrThrow({ where: { shopId_clientId: { shopId, clientId } } })).toMatchObject({
      customerId: buyer.id,
      claimedCustomerGid: other.gid,
    });
  });

  test("a checkout mirrored while the browser's checkout_started was unseen is joined by the browser's next event", async () => {
    const buyer = await t.db.customer.create({ data: { shopId, gid: "gid://shopify/Customer/890" } });
    const token = unique("ck-late");
    const clientId = unique("client");
    await send(
      request({
        shop: SHOP,
        customer: null,
        event: event("checkout_started", { checkout: { token, email: null, lineItems: [] } }, { clientId }),
      }),
    );
    // written without the join (as two PostgreSQL transactions that missed each other would)
    await t.db.checkout.create({ data: { shopId, token, customerId: buyer.id, shopifyCreatedAt: NOW } });
    expect(await t.db.behaviourEvent.count({ where: { shopId, clientId, customerId: null } })).toBe(1);
    await send(request({ shop: SHOP, customer: null, event: viewed({ clientId }) }));
    expect(await t.db.behaviourEvent.count({ where: { shopId, clientId, customerId: buyer.id } })).toBe(2);
  });

  test("another shop's checkout with the token links nobody", async () => {
    const foreign = await t.db.customer.create({ data: { shopId: otherShopId, gid: "gid://shopify/Customer/891" } });
    const token = unique("ck-foreign");
    await t.db.checkout.create({ data: { shopId: otherShopId, token, customerId: foreign.id, shopifyCreatedAt: NOW } });
    const clientId = unique("client");
    await send(
      request({
        shop: SHOP,
        customer: null,
        event: event("checkout_started", { checkout: { token, email: null, lineItems: [] } }, { clientId }),
      }),
    );
    expect(
      (await t.db.visitor.findUniqueOrThrow({ where: { shopId_clientId: { shopId, clientId } } })).customerId,
    ).toBeNull();
    expect(await t.db.behaviourEvent.count({ where: { customerId: foreign.id } })).toBe(0);
  });

  test("customers/redact erases a browser that only claimed to be the person, with its events", async () => {
    const person = await t.db.customer.create({ data: { shopId, gid: "gid://shopify/Customer/892" } });
    const clientId = unique("client");
    await send(request({ shop: SHOP, customer: { id: person.gid, email: null }, event: viewed({ clientId }) }));
    expect(await t.db.visitor.count({ where: { shopId, clientId } })).toBe(1);
    await t.db.$transaction((tx) =>
      redactCustomer(tx, { shopId, now: NOW }, { customerGid: person.gid, email: null, orderGids: [] }),
    );
    expect(await t.db.visitor.count({ where: { shopId, clientId } })).toBe(0);
    expect(await t.db.behaviourEvent.count({ where: { shopId, clientId } })).toBe(0);
  });

  test("an email known only in another shop identifies nobody and creates no customer", async () => {
    await t.db.customer.create({
      data: { shopId: otherShopId, gid: "gid://shopify/Customer/1234", emailNormalized: "elsewhere@example.com" },
    });
    const clientId = unique("client");
    const before = await counts();
    await send(request({ shop: SHOP, customer: { email: "elsewhere@example.com" }, event: viewed({ clientId }) }));
    expect((await t.db.behaviourEvent.findFirstOrThrow({ where: { shopId, clientId } })).customerId).toBeNull();
    expect((await counts()).customers).toBe(before.customers);
  });
});

describe("rejections write nothing", () => {
  test("a body over 64 KiB is 413, whether declared or only read", async () => {
    const big = JSON.stringify({ shop: SHOP, customer: null, event: viewed({ padding: "x".repeat(MAX_BODY_BYTES) }) });
    await expectRejected(request(big), 413);
    await expectRejected(
      request(
        { shop: SHOP, customer: null, event: viewed() },
        { headers: { "content-length": String(MAX_BODY_BYTES + 1) } },
      ),
      413,
    );
  });

  test("a body that is not JSON is 400", async () => {
    expect((await expectRejected(request("{not json"), 400)).error).toMatch(/JSON/);
    await expectRejected(request(""), 400);
  });

  test("wrong types are 400 with a short reason naming the field", async () => {
    const bad = await expectRejected(
      request({ shop: SHOP, customer: null, event: viewed({ timestamp: 1700000000 }) }),
      400,
    );
    expect(bad.error).toMatch(/^event\.timestamp: /);
    expect(bad.error).not.toMatch(/\n|at .*\.ts/);

    const badData = await expectRejected(
      request({
        shop: SHOP,
        customer: null,
        events: [viewed(), event("product_added_to_cart", { cartLine: { quantity: "2" } })],
      }),
      400,
    );
    expect(badData.error).toMatch(/^events\.1\.data\.cartLine\.quantity: /);

    await expectRejected(request({ shop: 42, customer: null, event: viewed() }), 400);
    await expectRejected(request({ shop: SHOP, customer: "me", event: viewed() }), 400);
    await expectRejected(request({ shop: SHOP, customer: null }), 400);
    await expectRejected(request({ shop: SHOP, customer: null, event: viewed(), events: [viewed()] }), 400);
    await expectRejected(request([1, 2, 3]), 400);
  });

  test("bounds: too many events, too long ids, timestamps out of the window", async () => {
    const tooMany = Array.from({ length: 51 }, () => viewed());
    await expectRejected(request({ shop: SHOP, customer: null, events: tooMany }), 400);
    await expectRejected(request({ shop: SHOP, customer: null, event: viewed({ id: "e".repeat(129) }) }), 400);
    const old = await expectRejected(
      request({ shop: SHOP, customer: null, event: viewed({ timestamp: minutesAgo(31 * 24 * 60) }) }),
      400,
    );
    expect(old.error).toMatch(/timestamp/);
    await expectRejected(
      request({ shop: SHOP, customer: null, event: viewed({ timestamp: minutesAgo(-25 * 60) }) }),
      400,
    );
  });

  test("an unknown or uninstalled shop is 404", async () => {
    await expectRejected(request({ shop: "nobody.myshopify.com", customer: null, event: viewed() }), 404);
    await expectRejected(request({ shop: GONE, customer: null, event: viewed() }), 404);
  });

  test("a client over its rate is 429 with Retry-After, and its shop keeps working", async () => {
    const limiter = new PixelRateLimiter();
    const clientId = unique("client");
    const batch = () => ({
      shop: SHOP,
      customer: null,
      events: Array.from({ length: 50 }, () => viewed({ clientId })),
    });
    expect((await send(request(batch()), { rateLimiter: limiter })).status).toBe(200);
    expect((await send(request(batch()), { rateLimiter: limiter })).status).toBe(200);

    const before = await counts();
    const res = await send(request(batch()), { rateLimiter: limiter });
    expect(res.status).toBe(429);
    expectCors(res);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await counts()).toEqual(before);

    const otherClient = { shop: SHOP, customer: null, event: viewed({ clientId: unique("client") }) };
    expect((await send(request(otherClient), { rateLimiter: limiter })).status).toBe(200);
  });

  test("one address cannot escape the limit by inventing client ids", async () => {
    const limiter = new PixelRateLimiter({ perClient: perMinute(100), perIp: perMinute(2), perShop: perMinute(100) });
    const from = (ip: string) =>
      request(
        { shop: SHOP, customer: null, event: viewed({ clientId: unique("client") }) },
        { headers: { "x-forwarded-for": `${ip}, 10.0.0.1` } },
      );
    expect((await send(from("203.0.113.9"), { rateLimiter: limiter })).status).toBe(200);
    expect((await send(from("203.0.113.9"), { rateLimiter: limiter })).status).toBe(200);
    await expectRejected(from("203.0.113.9"), 429, { rateLimiter: limiter });
    expect((await send(from("198.51.100.7"), { rateLimiter: limiter })).status).toBe(200);
  });
});

describe("the queue behind the answer", () => {
  /** An apply that waits until the test opens the gate: the database as slow as the test wants. */
  function gated() {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const buffer = queueFor(async (input) => {
      await gate;
      return recordPixelEvents(t.db, input);
    }, 3);
    return { buffer, open };
  }
  const answer = (body: unknown, buffer: PixelBuffer) =>
    handlePixelRequest(request(body), { db: t.db, now: () => NOW, rateLimiter: roomy(), buffer });

  test("the answer never waits for the write; a full queue is 503 with Retry-After; a drained one accepts again", async () => {
    const { buffer, open } = gated();
    const clientId = unique("client");
    const first = [viewed({ clientId }), viewed({ clientId })];
    const refused = [viewed({ clientId }), viewed({ clientId })];
    expect((await answer({ shop: SHOP, customer: null, events: first }, buffer)).status).toBe(200);
    expect(buffer.heldEvents).toBe(2);

    const full = await answer({ shop: SHOP, customer: null, events: refused }, buffer);
    expect(full.status).toBe(503);
    expectCors(full);
    expect(full.headers.get("retry-after")).toBe(String(PIXEL_RETRY_AFTER_SECONDS));
    expect(await full.json()).toEqual({ error: "busy, retry later" });
    // one more event still fits
    const last = viewed({ clientId });
    expect((await answer({ shop: SHOP, customer: null, event: last }, buffer)).status).toBe(200);
    expect(await t.db.behaviourEvent.count({ where: { shopId, clientId } })).toBe(0);

    open();
    await buffer.drained();
    expect(buffer.heldEvents).toBe(0);
    const stored = await t.db.behaviourEvent.findMany({ where: { shopId, clientId }, select: { eventId: true } });
    expect(new Set(stored.map((r) => r.eventId))).toEqual(new Set([...first, last].map((e) => e.id)));
    expect((await answer({ shop: SHOP, customer: null, events: refused }, buffer)).status).toBe(200);
  });

  test("a locked database delays the write, not the answer, and the event is stored once", async () => {
    let locked = 3;
    const buffer = queueFor(async (input) => {
      if (locked-- > 0) throw Object.assign(new Error("SqliteError: database is locked"), { code: "SQLITE_BUSY" });
      return recordPixelEvents(t.db, input);
    });
    const e = viewed({ clientId: unique("client") });
    const res = await answer({ shop: SHOP, customer: null, event: e }, buffer);
    expect(res.status).toBe(200);
    await buffer.drained();
    expect(locked).toBe(-1);
    expect(await t.db.behaviourEvent.count({ where: { shopId, eventId: e.id } })).toBe(1);
  });

  test("a request that keeps failing for another reason is dropped after its attempts, and the ones behind it are stored", async () => {
    const bad = viewed({ clientId: unique("client") });
    let attempts = 0;
    const buffer = queueFor(async (input) => {
      if (input.events.some((e) => e.eventId === bad.id)) {
        attempts += 1;
        throw new Error("a bug");
      }
      return recordPixelEvents(t.db, input);
    });
    const good = viewed({ clientId: unique("client") });
    const flag = globalThis as { __expectConsoleError?: boolean };
    flag.__expectConsoleError = true;
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect((await answer({ shop: SHOP, customer: null, event: bad }, buffer)).status).toBe(200);
      expect((await answer({ shop: SHOP, customer: null, event: good }, buffer)).status).toBe(200);
      await buffer.drained();
      expect(spy.mock.calls.flat().join(" ")).toContain("pixel events dropped after repeated failures");
    } finally {
      spy.mockRestore();
      flag.__expectConsoleError = false;
    }
    expect(attempts).toBe(5);
    expect(await t.db.behaviourEvent.count({ where: { shopId, eventId: { in: [bad.id, good.id] } } })).toBe(1);
    expect(await t.db.behaviourEvent.count({ where: { shopId, eventId: good.id } })).toBe(1);
  });

  test("a shop uninstalled between the answer and the write gets nothing written", async () => {
    const domain = `pixel-leaving-${unique("shop")}.myshopify.com`;
    const leaving = await t.db.shop.create({ data: { domain } });
    const { buffer, open } = gated();
    expect((await answer({ shop: domain, customer: null, event: viewed() }, buffer)).status).toBe(200);
    await t.db.shop.update({ where: { id: leaving.id }, data: { uninstalledAt: NOW } });
    open();
    await buffer.drained();
    expect(await t.db.behaviourEvent.count({ where: { shopId: leaving.id } })).toBe(0);
    expect(await t.db.visitor.count({ where: { shopId: leaving.id } })).toBe(0);
  });
});

describe("logging and failures", () => {
  test("rejections are logged with ids, never the email", async () => {
    const previous = process.env.JOREN_LOG_LEVEL;
    process.env.JOREN_LOG_LEVEL = "warn";
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await send(
        request({
          shop: "nobody.myshopify.com",
          customer: { id: "1", email: "secret.person@example.com" },
          event: viewed(),
        }),
      );
      await send(
        request({
          shop: SHOP,
          customer: { email: "secret.person@example.com" },
          event: viewed({ timestamp: "yesterday" }),
        }),
      );
    } finally {
      spy.mockRestore();
      process.env.JOREN_LOG_LEVEL = previous;
    }
    const log = written.join("");
    expect(log).toContain("nobody.myshopify.com");
    expect(log).toContain("event.timestamp");
    expect(log).not.toContain("secret.person");
  });

  test("an unexpected error is a generic 500 with CORS headers, logged without the email", async () => {
    const broken = {
      shop: { findUnique: () => Promise.reject(new Error("connection lost while reading secret.person@example.com")) },
    } as unknown as Db;
    const flag = globalThis as { __expectConsoleError?: boolean };
    flag.__expectConsoleError = true;
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const res = await send(request({ shop: SHOP, customer: null, event: viewed() }), { db: broken });
      expect(res.status).toBe(500);
      expectCors(res);
      expect(await res.json()).toEqual({ error: "internal error" });
      const logged = spy.mock.calls.flat().join(" ");
      expect(logged).toContain("connection lost");
      expect(logged).not.toContain("secret.person");
    } finally {
      spy.mockRestore();
      flag.__expectConsoleError = false;
    }
  });
});

describe("property: arbitrary bodies", () => {
  const junk = fc.jsonValue({ maxDepth: 3 });
  // Mostly well-formed, sometimes junk: deep enough to reach the database, wild enough to probe.
  const maybe = <T>(valid: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: junk, weight: 1 });
  const window = {
    min: new Date(NOW.getTime() - 29 * 86_400_000),
    max: new Date(NOW.getTime() + 3_600_000),
    noInvalidDate: true,
  };
  const idLike = maybe(
    fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 19n }).map(String), fc.integer({ min: 1 }), fc.string({ maxLength: 24 })),
  );
  const variant = maybe(fc.record({ id: idLike, product: maybe(fc.record({ id: idLike, url: maybe(fc.webUrl()) })) }));
  const data = maybe(
    fc.oneof(
      fc.record({ productVariant: variant }),
      fc.record({ cartLine: maybe(fc.record({ quantity: maybe(fc.nat({ max: 200_000 })), merchandise: variant })) }),
      fc.record({
        checkout: maybe(
          fc.record({
            token: maybe(fc.string()),
            email: maybe(fc.oneof(fc.emailAddress(), fc.string())),
            lineItems: maybe(fc.array(fc.record({ quantity: fc.nat({ max: 1000 }), variant }), { maxLength: 3 })),
          }),
        ),
      }),
    ),
  );
  const pixelEvent = fc.record({
    id: maybe(fc.uuid()),
    name: maybe(
      fc.constantFrom("page_viewed", "product_viewed", "product_added_to_cart", "checkout_started", "cart_viewed"),
    ),
    clientId: maybe(fc.constantFrom("prop-a", "prop-b")),
    timestamp: maybe(fc.date(window).map((d) => d.toISOString())),
    context: maybe(fc.record({ document: fc.record({ location: fc.record({ href: maybe(fc.webUrl()) }) }) })),
    data,
  });
  const shop = maybe(fc.constantFrom(SHOP, SHOP, GONE, "nobody.myshopify.com"));
  const customer = maybe(
    fc.option(fc.record({ id: idLike, email: maybe(fc.option(fc.emailAddress())) }, { requiredKeys: [] })),
  );
  const body = fc.oneof(
    fc.string(),
    fc.json(),
    fc.record({ shop, customer, event: pixelEvent }).map((b) => JSON.stringify(b)),
    fc
      .record({ shop, customer, events: maybe(fc.array(pixelEvent, { minLength: 1, maxLength: 4 })) })
      .map((b) => JSON.stringify(b)),
    fc
      .record({ shop, customer, event: pixelEvent, events: fc.array(pixelEvent) }, { requiredKeys: [] })
      .map((b) => JSON.stringify(b)),
  );

  test("never a 5xx, always CORS, and rows change only on a 200", { timeout: 120_000 }, async () => {
    let storing = 0;
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const before = await counts();
        const res = await send(request(text));
        expect(res.status).toBeLessThan(500);
        expectCors(res);
        const after = await counts();
        expect(after.customers).toBe(before.customers);
        if (res.status === 200) {
          const { accepted } = (await res.json()) as { accepted: number };
          // duplicates of earlier runs' ids are accepted and stored no second time
          expect(after.events - before.events).toBeGreaterThanOrEqual(0);
          expect(after.events - before.events).toBeLessThanOrEqual(accepted);
          if (after.events > before.events) storing += 1;
        } else {
          expect(after).toEqual(before);
        }
      }),
      { numRuns: 300 },
    );
    // The generator must reach the database, not only the parser's refusals.
    expect(storing).toBeGreaterThan(0);
  });
});

describe("the route in the server build", () => {
  let server: AppServer;
  beforeAll(async () => {
    server = await startAppServer({ databaseUrl: t.url });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test("OPTIONS is 204, GET is 405, POST stores, all with CORS", async () => {
    const url = `${server.url}/pixel/events`;
    const preflight = await fetch(url, {
      method: "OPTIONS",
      headers: { origin: "https://pixel-shop.myshopify.com", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");

    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get("access-control-allow-origin")).toBe("*");

    const e = event(
      "product_viewed",
      { productVariant },
      { timestamp: new Date().toISOString(), clientId: unique("client") },
    );
    const post = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ shop: SHOP, customer: null, event: e }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get("access-control-allow-origin")).toBe("*");
    expect(await post.json()).toEqual({ accepted: 1, ignored: 0 });
    // applied behind the answer
    await until(async () => (await t.db.behaviourEvent.count({ where: { shopId, eventId: e.id } })) === 1);
  });
});
