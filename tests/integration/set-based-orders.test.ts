// New orders are written set-based (app/modules/mirror/orders/record-new-orders.server.ts, ADR 0022):
// the mirror they leave must be the one the row-by-row path leaves, and what that path does not
// cover exactly must be handed back to it. In-process against the real database (SQLite, or
// PostgreSQL with TEST_DATABASE_URL).
import { deferRollups, flushDeferredRollups } from "~/modules/mirror/customers/recompute-rollups.server";
import { createInboxStore, type InboxStore } from "~/modules/ingest/inbox-store.server";
import { processPendingWebhooks } from "~/modules/ingest/process-inbox.server";
import { getTopic } from "~/modules/ingest/topics";
import type { NormalizedOrder } from "~/modules/mirror/types";
import { parseJsonLossless } from "~/lib/json";
import { recordNewOrders } from "~/modules/mirror/orders/record-new-orders.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { createTestDb, type TestDb } from "../helpers/db";
import { customerBody, orderBody, type OrderSpec } from "../helpers/payloads";

let t: TestDb;
let store: InboxStore;

beforeAll(async () => {
  t = await createTestDb();
  store = await createInboxStore(t.url);
});
afterAll(async () => {
  await store?.close();
  await t?.close();
});

let seq = 0;
const receive = (shopId: string, topic: string, body: string) =>
  store.insert({ shopId, webhookId: `set-${++seq}`, topic, apiVersion: "2026-04", triggeredAt: null, body });

const order = (spec: Partial<OrderSpec> & { id: string }): OrderSpec => ({
  total: "1200",
  createdAt: "2026-11-20T10:00:00Z",
  ...spec,
});

/** Before the batch: a customer holding a newer profile, a guest row, an open checkout. */
const BEFORE: [string, string][] = [
  [
    "customers/create",
    customerBody({
      id: "7300000000000000002",
      email: "newer@example.jp",
      updatedAt: "2026-11-30T00:00:00Z",
      firstName: "Newer",
    }),
  ],
  [
    "orders/create",
    orderBody(
      order({
        id: "9300000000000000050",
        customerId: null,
        email: "guest@example.jp",
        createdAt: "2026-11-01T10:00:00Z",
      }),
    ),
  ],
];

/** The batch: repeated customers out of order, consent changes, an older profile, a guest to adopt, unpaid and cancelled orders, a checkout completed. */
const BATCH: [string, string][] = [
  [
    "orders/create",
    orderBody(
      order({
        id: "9300000000000000001",
        customerId: "7300000000000000001",
        email: "one@example.jp",
        createdAt: "2026-11-10T10:00:00Z",
        updatedAt: "2026-11-10T10:00:00Z",
        consent: "subscribed",
      }),
    ),
  ],
  [
    "orders/create",
    orderBody(
      order({
        id: "9300000000000000002",
        customerId: "7300000000000000001",
        email: "one@example.jp",
        createdAt: "2026-11-12T10:00:00Z",
        updatedAt: "2026-11-12T10:00:00Z",
        consent: "unsubscribed",
        checkoutToken: "ck-set-1",
      }),
    ),
  ],
  [
    "orders/create",
    orderBody(
      order({
        id: "9300000000000000003",
        customerId: "7300000000000000001",
        email: "one@example.jp",
        createdAt: "2026-11-11T10:00:00Z",
        updatedAt: "2026-11-11T10:00:00Z",
        consent: "subscribed",
      }),
    ),
  ],
  [
    "orders/create",
    orderBody(
      order({
        id: "9300000000000000004",
        customerId: "7300000000000000002",
        email: "older@example.jp",
        createdAt: "2026-11-05T10:00:00Z",
        consent: "subscribed",
      }),
    ),
  ],
  [
    "orders/create",
    orderBody(
      order({
        id: "9300000000000000005",
        customerId: "7300000000000000003",
        email: "guest@example.jp",
        createdAt: "2026-11-15T10:00:00Z",
      }),
    ),
  ],
  [
    "orders/create",
    orderBody(
      order({
        id: "9300000000000000006",
        customerId: "7300000000000000004",
        email: "pending@example.jp",
        financialStatus: "pending",
      }),
    ),
  ],
  [
    "orders/create",
    orderBody(
      order({
        id: "9300000000000000007",
        customerId: "7300000000000000005",
        email: "cancel@example.jp",
        cancelledAt: "2026-11-21T00:00:00Z",
      }),
    ),
  ],
  [
    "orders/create",
    orderBody(
      order({
        id: "9300000000000000008",
        customerId: "7300000000000000006",
        email: "twice@example.jp",
        updatedAt: "2026-11-20T10:00:00Z",
      }),
    ),
  ],
  [
    "orders/create",
    orderBody(
      order({
        id: "9300000000000000009",
        customerId: "7300000000000000007",
        email: "seven@example.jp",
        total: "30000",
        lines: [
          { id: "930000000901", productId: "1", variantId: "11", title: "Tea", quantity: 2, price: "10000" },
          { id: "930000000902", productId: "2", variantId: "12", title: "Cup", quantity: 1, price: "10000" },
        ],
      }),
    ),
  ],
];

/**
 * After the batch: a newer version of a stored order (handed back: updates are row by row). Sent
 * in a later round, because receipts stored in the same millisecond may be claimed in either
 * order, and the row-by-row path fixes paidAt and the points base from the first version it sees.
 */
const LATER: [string, string][] = [
  [
    "orders/updated",
    orderBody(
      order({
        id: "9300000000000000008",
        customerId: "7300000000000000006",
        email: "twice@example.jp",
        updatedAt: "2026-11-22T10:00:00Z",
        total: "900",
      }),
    ),
  ],
];

async function mirrorOf(shopId: string) {
  const db = t.db;
  const customers = await db.customer.findMany({ where: { shopId }, orderBy: { email: "asc" } });
  const gidOf = new Map(customers.map((c) => [c.id, c.gid ?? `guest:${c.email}`]));
  const orders = await db.order.findMany({
    where: { shopId },
    include: { lines: { orderBy: { gid: "asc" } } },
    orderBy: { gid: "asc" },
  });
  const entries = await db.pointsEntry.findMany({ where: { shopId }, include: { lot: true }, orderBy: { key: "asc" } });
  const triggers = await db.trigger.findMany({ where: { shopId }, orderBy: { subjectKey: "asc" } });
  const checkouts = await db.checkout.findMany({ where: { shopId }, orderBy: { token: "asc" } });
  const orderGidOf = new Map(orders.map((o) => [o.id, o.gid]));
  return {
    customers: customers.map(({ id, shopId: _s, createdAt: _c, updatedAt: _u, rollupAt: _r, ...c }) => ({
      ...c,
      gid: gidOf.get(id),
    })),
    orders: orders.map(({ id: _i, shopId: _s, createdAt: _c, updatedAt: _u, customerId, lines, ...o }) => ({
      ...o,
      customer: customerId ? gidOf.get(customerId) : null,
      lines: lines.map(({ id: _li, orderId: _o, shopId: _ls, ...l }) => l),
    })),
    points: entries.map(({ id: _i, shopId: _s, createdAt: _c, customerId, lot, ...e }) => ({
      ...e,
      customer: gidOf.get(customerId),
      lot: lot
        ? { points: lot.points, remaining: lot.remaining, earnedAt: lot.earnedAt, expiresAt: lot.expiresAt }
        : null,
    })),
    triggers: triggers.map((tr) => ({
      kind: tr.kind,
      subjectKey: tr.subjectKey,
      customer: tr.customerId ? gidOf.get(tr.customerId) : null,
      occurredAt: tr.occurredAt,
      order: orderGidOf.get((JSON.parse(tr.data) as { orderId: string }).orderId),
    })),
    checkouts: checkouts.map((c) => ({ token: c.token, completedAt: c.completedAt })),
  };
}

async function seedShop(domain: string): Promise<string> {
  const { shopId } = await registerLocalShop({ db: t.db, domain });
  await t.db.checkout.create({
    data: { shopId, token: "ck-set-1", shopifyCreatedAt: new Date("2026-11-12T09:00:00Z") },
  });
  for (const [topic, body] of BEFORE) await receive(shopId, topic, body);
  await processPendingWebhooks(t.db, { shopId, batchSize: 1 });
  return shopId;
}

test("a batch of new orders leaves the mirror the row-by-row path leaves (customers, consent, rollups, lines, points, triggers, checkouts)", async () => {
  const setBased = await seedShop("set-based.myshopify.com");
  const rowByRow = await seedShop("row-by-row.myshopify.com");
  for (const [topic, body] of BATCH) {
    await receive(setBased, topic, body);
    await receive(rowByRow, topic, body);
  }
  // one claim of the whole batch (its leading orders go set-based) against one receipt at a time
  expect(await processPendingWebhooks(t.db, { shopId: setBased, transactionBudgetMs: 60_000 })).toEqual({
    done: BATCH.length,
    skipped: 0,
    rejected: 0,
    retried: 0,
    failed: 0,
  });
  expect(await processPendingWebhooks(t.db, { shopId: rowByRow, batchSize: 1 })).toEqual({
    done: BATCH.length,
    skipped: 0,
    rejected: 0,
    retried: 0,
    failed: 0,
  });
  for (const [topic, body] of LATER) {
    await receive(setBased, topic, body);
    await receive(rowByRow, topic, body);
  }
  await processPendingWebhooks(t.db, { shopId: setBased });
  await processPendingWebhooks(t.db, { shopId: rowByRow, batchSize: 1 });

  const got = await mirrorOf(setBased);
  const want = await mirrorOf(rowByRow);
  expect(got).toEqual(want);
  // the comparison covers something: the rows each part of the writer produces
  expect(want.orders).toHaveLength(10);
  expect(want.points.filter((p) => p.kind === "earn").length).toBeGreaterThan(3);
  expect(want.triggers.length).toBeGreaterThan(3);
  expect(want.checkouts[0]?.completedAt).not.toBeNull();
  const one = want.customers.find((c) => c.gid === "gid://shopify/Customer/7300000000000000001");
  expect(one).toMatchObject({ ordersCount: 3, emailConsent: "UNSUBSCRIBED" });
  expect(want.customers.find((c) => c.gid === "gid://shopify/Customer/7300000000000000002")?.firstName).toBe("Newer");
}, 120_000);

function normalized(body: string): NormalizedOrder {
  return getTopic("orders/create").schema.parse(parseJsonLossless(body)) as NormalizedOrder;
}

test("what the set-based path does not cover is handed back: a stored or repeated order, listed refunds, no customer, a guest to adopt, an earn and its reversal", async () => {
  const { shopId } = await registerLocalShop({ db: t.db, domain: "handed-back.myshopify.com" });
  await receive(
    shopId,
    "orders/create",
    orderBody(order({ id: "9400000000000000001", customerId: "7400000000000000001", email: "stored@example.jp" })),
  );
  await receive(
    shopId,
    "orders/create",
    orderBody(order({ id: "9400000000000000002", customerId: null, email: "guest2@example.jp" })),
  );
  await processPendingWebhooks(t.db, { shopId, batchSize: 1 });
  const now = new Date("2026-12-01T00:00:00Z");
  const inputs = [
    order({ id: "9400000000000000001", customerId: "7400000000000000001", email: "stored@example.jp" }), // stored
    order({ id: "9400000000000000010", customerId: "7400000000000000010", email: "fresh@example.jp" }), // applied
    order({ id: "9400000000000000010", customerId: "7400000000000000010", email: "fresh@example.jp" }), // repeated
    order({
      id: "9400000000000000011",
      customerId: "7400000000000000011",
      email: "refunded@example.jp",
      refunds: [{ id: "94001", createdAt: "2026-11-21T00:00:00Z", amount: "100" }],
    }),
    order({ id: "9400000000000000012", customerId: null, email: "nobody@example.jp" }),
    order({ id: "9400000000000000013", customerId: "7400000000000000013", email: "guest2@example.jp" }), // adopts the guest row
    order({
      id: "9400000000000000014",
      customerId: "7400000000000000014",
      email: "cancelled@example.jp",
      cancelledAt: "2026-11-21T00:00:00Z",
    }),
    order({ id: "9400000000000000015", customerId: "7400000000000000015", email: "plain@example.jp" }), // applied
  ].map((spec) => ({ order: normalized(orderBody(spec)), now }));
  const results = await t.db.$transaction(async (tx) => {
    deferRollups(tx);
    const r = await recordNewOrders(tx, shopId, inputs);
    await flushDeferredRollups(tx);
    return r;
  });
  expect(results).toEqual([
    "fallback",
    "fallback",
    "fallback",
    "fallback",
    "fallback",
    "fallback",
    "fallback",
    "applied",
  ]);
  // "fresh" had its second copy handed back, so the whole customer was; "plain" is stored with its rollups
  const plain = await t.db.customer.findFirstOrThrow({
    where: { shopId, gid: "gid://shopify/Customer/7400000000000000015" },
  });
  expect(plain).toMatchObject({ ordersCount: 1, netSpend: 1_200_000n });
  expect(await t.db.order.count({ where: { shopId, gid: "gid://shopify/Order/9400000000000000010" } })).toBe(0);
  expect(await t.db.trigger.count({ where: { shopId, subjectKey: "gid://shopify/Order/9400000000000000015" } })).toBe(
    1,
  );
}, 120_000);

test("a database error in the set-based write rolls it back whole and hands every order back", async () => {
  const { shopId } = await registerLocalShop({ db: t.db, domain: "rolled-back.myshopify.com" });
  const line = { id: "95000001", productId: "1", variantId: "2", title: "Tea", quantity: 1, price: "600" };
  const inputs = [
    order({ id: "9500000000000000001", customerId: "7500000000000000001", email: "ok@example.jp" }),
    // one line id twice: the multi-row line insert violates (orderId, gid)
    order({
      id: "9500000000000000002",
      customerId: "7500000000000000002",
      email: "bad@example.jp",
      lines: [line, line],
    }),
  ].map((spec) => ({ order: normalized(orderBody(spec)), now: new Date("2026-12-01T00:00:00Z") }));
  const results = await t.db.$transaction(async (tx) => {
    deferRollups(tx);
    const r = await recordNewOrders(tx, shopId, inputs);
    await flushDeferredRollups(tx);
    return r;
  });
  expect(results).toEqual(["fallback", "fallback"]);
  expect(await t.db.order.count({ where: { shopId } })).toBe(0);
  expect(await t.db.customer.count({ where: { shopId } })).toBe(0);
}, 120_000);
