// Newer version wins with two app instances applying at the same moment (issue #13), for every
// upsert-if-newer table: customers, products with their variants, orders, checkouts, inventory
// levels — and customers written by the set-based order writer. On PostgreSQL, instance A (its
// own client and pool) applies one version inside a transaction it keeps open; instance B (another
// client and pool) drains the inbox holding another version of the same record, and the test
// checks that B is really waiting for A's lock before A commits. Both orders are tried: A holds
// the newer version (B's older one must not overwrite it) and A holds an older one (B's newer one
// must win after the wait). SQLite is one instance by design: there A commits first, then B
// applies, and the same final state is asserted.
import { randomUUID } from "node:crypto";
import { createDb, type Db } from "~/db.server";
import { parseJsonLossless } from "~/lib/json";
import { createInboxStore, type InboxStore } from "~/modules/ingest/inbox-store.server";
import { processPendingWebhooks } from "~/modules/ingest/process-inbox.server";
import { getTopic, resolveTopic } from "~/modules/ingest/topics";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { createTestDb, type TestDb } from "../helpers/db";
import { customerBody, orderBody } from "../helpers/payloads";

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const DOMAIN = "parallel-apply.myshopify.com";
const instanceB = `joren-instance-b-${randomUUID().slice(0, 8)}`;
// every race waits for a real lock wait and a drain: generous on a loaded machine
vi.setConfig({ testTimeout: 120_000 });

let t: TestDb;
let b: Db;
let store: InboxStore;
let shopId: string;

beforeAll(async () => {
  t = await createTestDb();
  // a second client with its own pool: the other instance (named, so its lock waits can be seen)
  b = await createDb(onPostgres ? `${t.url}&application_name=${instanceB}` : t.url);
  shopId = (await registerLocalShop({ db: t.db, domain: DOMAIN })).shopId;
  store = await createInboxStore(t.url);
});
afterAll(async () => {
  await store?.close();
  await b?.$disconnect();
  await t?.close();
});

const day = (version: number) => `2026-05-${String(10 + version).padStart(2, "0")}T00:00:00Z`;

function receive(topic: string, body: string) {
  return store.insert({ shopId, webhookId: randomUUID(), topic, apiVersion: "2026-04", triggeredAt: null, body });
}

/** drains the inbox with instance `db` until every receipt is finished (a raced one retries in 1 s) */
async function drain(db: Db): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await processPendingWebhooks(db, { workerId: db === b ? "instance-b" : "instance-a" });
    const open = await t.db.webhookReceipt.count({ where: { shopId, status: { in: ["pending", "processing"] } } });
    if (open === 0) break;
    if (Date.now() > deadline) throw new Error(`${open} receipts still open`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const bad = await t.db.webhookReceipt.findMany({
    where: { shopId, status: { notIn: ["done", "skipped"] } },
    select: { topic: true, status: true, error: true },
  });
  expect(bad).toEqual([]);
}

/** until one of instance B's backends waits for a lock (PostgreSQL) */
async function bWaitsForALock(): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [row] = await t.db.$queryRawUnsafe<{ waiting: number }[]>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
      instanceB,
    );
    if ((row?.waiting ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error("instance B never waited for instance A's lock: no race was tested");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Instance A applies `held` (topic, body) in a transaction; meanwhile instance B drains the inbox,
 * which holds `raced`. On PostgreSQL A commits only once B waits for its lock.
 */
async function race(held: { topic: string; body: string }, raced: { topic: string; body: string }[]): Promise<void> {
  for (const r of raced) await receive(r.topic, r.body);
  const topic = resolveTopic(held.topic);
  if (!topic) throw new Error(`unknown topic ${held.topic}`);
  const definition = getTopic(topic);
  const data = definition.schema.parse(parseJsonLossless(held.body));
  const ctx = { shopId, shopDomain: DOMAIN, now: new Date() };
  if (!onPostgres) {
    await t.db.$transaction((tx) => definition.apply(tx, ctx, data));
    await drain(b);
    return;
  }
  let bDone: Promise<void> | null = null;
  await t.db.$transaction(
    async (tx) => {
      await definition.apply(tx, ctx, data);
      bDone = drain(b);
      // keep B from finishing unobserved: a failure surfaces below, after A commits
      bDone.catch(() => undefined);
      await bWaitsForALock();
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  await bDone;
}

interface RecordKind {
  name: string;
  topic: string;
  body: (version: number) => string;
  /** what the mirror holds now, as the version number it came from */
  stored: () => Promise<number[]>;
  /** the version number every part of the record must show */
  parts: number;
}

const CUSTOMER = "6610001";
const PRODUCT = "6620001";
const VARIANT = "6620002";
const ORDER = "6630001";
const CHECKOUT = "parallel-checkout-1";
const ITEM = "6640001";
const LOCATION = "6640002";

function productJson(version: number): string {
  return `{"id":${PRODUCT},"admin_graphql_api_id":"gid://shopify/Product/${PRODUCT}","title":"Tea v${version}","handle":"tea","status":"active","product_type":"Tea","vendor":"Joren","tags":"","published_at":"${day(0)}","updated_at":"${day(version)}","image":null,"variants":[{"id":${VARIANT},"admin_graphql_api_id":"gid://shopify/ProductVariant/${VARIANT}","title":"Default","sku":"T-1","price":"${version}00","inventory_item_id":${ITEM},"inventory_quantity":5,"inventory_policy":"deny","updated_at":"${day(version)}"}]}`;
}

function checkoutJson(version: number): string {
  return `{"id":6650001,"token":"${CHECKOUT}","cart_token":null,"email":"parallel@example.jp","currency":"JPY","presentment_currency":"JPY","total_price":"${version}000","abandoned_checkout_url":"https://parallel.example/checkouts/${CHECKOUT}/recover","buyer_accepts_marketing":true,"customer_locale":"ja","completed_at":null,"created_at":"${day(0)}","updated_at":"${day(version)}","customer":null,"line_items":[{"product_id":${PRODUCT},"variant_id":${VARIANT},"title":"Tea","variant_title":null,"quantity":1,"price":"${version}000","variant_price":"${version}000","line_price":"${version}000"}]}`;
}

const versionOf = (text: string | null | undefined) => Number(/v(\d+)/.exec(text ?? "")?.[1] ?? NaN);

const KINDS: RecordKind[] = [
  {
    name: "customer",
    topic: "customers/update",
    body: (v) => customerBody({ id: CUSTOMER, email: "parallel@example.jp", updatedAt: day(v), firstName: `v${v}` }),
    parts: 1,
    stored: async () => {
      const c = await t.db.customer.findUniqueOrThrow({
        where: { shopId_gid: { shopId, gid: `gid://shopify/Customer/${CUSTOMER}` } },
      });
      return [versionOf(c.firstName)];
    },
  },
  {
    name: "product and its variant",
    topic: "products/update",
    body: productJson,
    parts: 2,
    stored: async () => {
      const p = await t.db.product.findUniqueOrThrow({
        where: { shopId_gid: { shopId, gid: `gid://shopify/Product/${PRODUCT}` } },
        include: { variants: true },
      });
      expect(p.variants).toHaveLength(1);
      return [versionOf(p.title), Number(p.variants[0]?.price ?? 0n) / 100_000];
    },
  },
  {
    name: "order",
    topic: "orders/updated",
    body: (v) =>
      orderBody({
        id: ORDER,
        customerId: "6610002",
        email: "order-parallel@example.jp",
        total: `${v}000`,
        createdAt: day(0),
        updatedAt: day(v),
        financialStatus: "paid",
      }),
    parts: 2,
    stored: async () => {
      const o = await t.db.order.findUniqueOrThrow({
        where: { shopId_gid: { shopId, gid: `gid://shopify/Order/${ORDER}` } },
        include: { lines: true },
      });
      expect(o.lines).toHaveLength(1);
      return [Number(o.totalPrice) / 1_000_000, Number(o.lines[0]?.price ?? 0n) / 1_000_000];
    },
  },
  {
    name: "checkout",
    topic: "checkouts/update",
    body: checkoutJson,
    parts: 1,
    stored: async () => {
      const c = await t.db.checkout.findUniqueOrThrow({ where: { shopId_token: { shopId, token: CHECKOUT } } });
      return [Number(c.totalPrice) / 1_000_000];
    },
  },
  {
    name: "inventory level",
    topic: "inventory_levels/update",
    body: (v) => `{"inventory_item_id":${ITEM},"location_id":${LOCATION},"available":${v},"updated_at":"${day(v)}"}`,
    parts: 1,
    stored: async () => {
      const level = await t.db.inventoryLevel.findUniqueOrThrow({
        where: {
          shopId_inventoryItemGid_locationGid: {
            shopId,
            inventoryItemGid: `gid://shopify/InventoryItem/${ITEM}`,
            locationGid: `gid://shopify/Location/${LOCATION}`,
          },
        },
      });
      return [level.available];
    },
  },
];

describe.each(KINDS)("$name, two instances at once", (kind) => {
  test("the newer version held by one instance is not overwritten by the older one the other applies", async () => {
    await receive(kind.topic, kind.body(1));
    await drain(t.db);
    expect(await kind.stored()).toEqual(Array(kind.parts).fill(1));
    await race({ topic: kind.topic, body: kind.body(3) }, [{ topic: kind.topic, body: kind.body(2) }]);
    expect(await kind.stored()).toEqual(Array(kind.parts).fill(3));
  });

  test("a newer version applied while the other instance holds an older one wins once it commits", async () => {
    await race({ topic: kind.topic, body: kind.body(4) }, [{ topic: kind.topic, body: kind.body(5) }]);
    expect(await kind.stored()).toEqual(Array(kind.parts).fill(5));
  });
});

test("a record created by both instances at once ends at the newer version, stored once", async () => {
  const id = "6630009";
  const body = (v: number) =>
    orderBody({
      id,
      customerId: "6610009",
      email: "created-twice@example.jp",
      total: `${v}000`,
      createdAt: day(0),
      updatedAt: day(v),
    });
  await race({ topic: "orders/create", body: body(2) }, [{ topic: "orders/create", body: body(1) }]);
  const orders = await t.db.order.findMany({ where: { shopId, gid: `gid://shopify/Order/${id}` } });
  expect(orders.map((o) => Number(o.totalPrice) / 1_000_000)).toEqual([2]);
  const customer = await t.db.customer.findUniqueOrThrow({
    where: { shopId_gid: { shopId, gid: "gid://shopify/Customer/6610009" } },
  });
  expect(customer.ordersCount).toBe(1);
});

test("the set-based order writer keeps a newer customer profile another instance is writing", async () => {
  const customerId = "6610020";
  const email = "set-based-parallel@example.jp";
  await receive("customers/update", customerBody({ id: customerId, email, updatedAt: day(1), firstName: "v1" }));
  await drain(t.db);
  // two new orders in one batch go set-based; the customer object they carry is version 2
  const orders = [6630021, 6630022].map((n) => ({
    topic: "orders/create",
    body: orderBody({ id: String(n), customerId, email, total: "2000", createdAt: day(2), updatedAt: day(2) }),
  }));
  await race(
    { topic: "customers/update", body: customerBody({ id: customerId, email, updatedAt: day(3), firstName: "v3" }) },
    orders,
  );
  const customer = await t.db.customer.findUniqueOrThrow({
    where: { shopId_gid: { shopId, gid: `gid://shopify/Customer/${customerId}` } },
  });
  expect(customer.firstName).toBe("v3");
  expect(customer.ordersCount).toBe(2);
  expect(customer.netSpend).toBe(4_000_000n);
});

test("two instances adding orders of one customer at once: the rollups count both", async () => {
  const customerId = "6610030";
  const email = "rollups-parallel@example.jp";
  // the stored profile is newer than the one the orders carry, so neither order writes the
  // customer row before its rollups do
  await receive("customers/update", customerBody({ id: customerId, email, updatedAt: day(9), firstName: "v9" }));
  await drain(t.db);
  const order = (id: string, total: string) => ({
    topic: "orders/create",
    body: orderBody({ id, customerId, email, total, createdAt: day(1), updatedAt: day(1) }),
  });
  await race(order("6630031", "1000"), [order("6630032", "2000")]);
  const customer = await t.db.customer.findUniqueOrThrow({
    where: { shopId_gid: { shopId, gid: `gid://shopify/Customer/${customerId}` } },
  });
  expect(customer.firstName).toBe("v9");
  expect(customer.ordersCount).toBe(2);
  expect(customer.netSpend).toBe(3_000_000n);
});

test("a new customer created by both instances at once: the other instance's set-based orders still land", async () => {
  const customerId = "6610040";
  const email = "created-by-both@example.jp";
  const order = (id: string, total: string, v: number) => ({
    topic: "orders/create",
    body: orderBody({ id, customerId, email, total, createdAt: day(v), updatedAt: day(v) }),
  });
  // A creates the customer with its first order; B's two orders (one batch, set-based) meet the
  // uncommitted customer row, wait, then its unique key
  await race(order("6630041", "1000", 1), [order("6630042", "2000", 2), order("6630043", "3000", 3)]);
  const customer = await t.db.customer.findUniqueOrThrow({
    where: { shopId_gid: { shopId, gid: `gid://shopify/Customer/${customerId}` } },
  });
  expect(await t.db.customer.count({ where: { shopId, gid: `gid://shopify/Customer/${customerId}` } })).toBe(1);
  expect(customer.ordersCount).toBe(3);
  expect(customer.netSpend).toBe(6_000_000n);
  expect(await t.db.order.count({ where: { shopId, customerId: customer.id } })).toBe(3);
});
