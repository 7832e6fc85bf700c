// Signed webhooks over HTTP into the real server build; assertions on what the mirror holds.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { pointsBalance } from "~/modules/mirror/points/points-ledger.server";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { createTestDb, type TestDb } from "../helpers/db";
import { consentBody, customerBody, orderBody } from "../helpers/payloads";
import { FIXTURES, fixtureBody, postWebhook, waitForInbox } from "../helpers/webhooks";

const SHOP = "joren-test.myshopify.com";
const OTHER = "other-shop.myshopify.com";
let t: TestDb;
let server: AppServer;
let shopId: string;
let otherShopId: string;

beforeAll(async () => {
  t = await createTestDb();
  shopId = (await registerLocalShop({ db: t.db, domain: SHOP })).shopId;
  otherShopId = (await registerLocalShop({ db: t.db, domain: OTHER })).shopId;
  server = await startAppServer({ databaseUrl: t.url });
});
afterAll(async () => {
  await server?.stop();
  await t?.close();
});

async function send(
  topic: string,
  body: string,
  extra: { shop?: string; webhookId?: string; secret?: string; triggeredAt?: Date } = {},
) {
  const res = await postWebhook(server.url, { topic, body, shop: extra.shop ?? SHOP, ...extra });
  await waitForInbox(t.db);
  return res;
}

describe("Shopify's example payloads", () => {
  test("orders/create keeps the exact GID above 2^53, the lines and the customer", async () => {
    const res = await send("orders/create", fixtureBody("orders/create"));
    expect(res.status).toBe(200);
    const order = await t.db.order.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Order/820982911946154508" } },
      include: { lines: true, customer: true },
    });
    expect(order.lines.length).toBeGreaterThan(0);
    expect(order.lines.map((l) => l.gid)).toContain("gid://shopify/LineItem/487817672276298554");
    expect(order.customer?.gid).toBe("gid://shopify/Customer/115310627314723954");
    // the example is cancelled and voided: it must not count
    expect(order.counted).toBe(false);
    expect(order.customer?.ordersCount).toBe(0);
  });

  test.each([
    "orders/updated",
    "orders/paid",
    "orders/cancelled",
    "orders/delete",
    "refunds/create",
    "checkouts/create",
    "checkouts/update",
    "checkouts/delete",
    "customers/create",
    "customers/update",
    "customers/delete",
    "customers/merge",
    "customers_email_marketing_consent/update",
    "products/create",
    "products/update",
    "products/delete",
    "customers/data_request",
    "customers/redact",
  ])("%s is applied or cleanly rejected", async (topic) => {
    // Shopify's examples write the shop as "{shop}.myshopify.com"; a real delivery names the shop
    // it is sent for, which the compliance topics check against the header
    const res = await send(topic, fixtureBody(topic).replace("{shop}.myshopify.com", SHOP));
    expect(res.status).toBe(200);
    const failed = await t.db.webhookReceipt.count({ where: { status: "failed" } });
    expect(failed).toBe(0);
  });

  test("products/update mirrors variants with exact GIDs", async () => {
    await send("products/update", fixtureBody("products/update"));
    const product = await t.db.product.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Product/788032119674292922" } },
      include: { variants: true },
    });
    expect(product.variants.map((v) => v.gid).sort()).toEqual([
      "gid://shopify/ProductVariant/642667041472713922",
      "gid://shopify/ProductVariant/757650484644203962",
    ]);
    expect(product.variants.find((v) => v.title === "Small")?.available).toBe(75);
  });

  test("checkouts/create keeps the recovery URL and the person", async () => {
    await send("checkouts/create", fixtureBody("checkouts/create"));
    const checkout = await t.db.checkout.findUniqueOrThrow({ where: { shopId_token: { shopId, token: "123123123" } } });
    expect(checkout.abandonedCheckoutUrl).toMatch(/^https:\/\//);
    expect(checkout.customerId).not.toBeNull();
    expect(JSON.parse(checkout.lines)[0].variantGid).toBe("gid://shopify/ProductVariant/808950810");
  });
});

describe("verification and hostile input", () => {
  test("a bad signature is refused with 401 and nothing is stored", async () => {
    const before = await t.db.webhookReceipt.count();
    const res = await postWebhook(server.url, {
      topic: "orders/create",
      shop: SHOP,
      body: orderBody({ id: "1", total: "1", createdAt: "2026-01-01T00:00:00Z" }),
      secret: "wrong",
    });
    expect(res.status).toBe(401);
    expect(await t.db.webhookReceipt.count()).toBe(before);
    expect(await t.db.order.count({ where: { gid: "gid://shopify/Order/1" } })).toBe(0);
  });

  test("a missing signature is refused with 401", async () => {
    const res = await fetch(`${server.url}/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-shopify-topic": "orders/create",
        "x-shopify-shop-domain": SHOP,
      },
      body: "{}",
    });
    expect(res.status).toBe(401);
  });

  test("a signed body that is not JSON gets 400 and nothing is stored", async () => {
    const before = await t.db.webhookReceipt.count();
    expect((await send("orders/create", "not json {")).status).toBe(400);
    expect(await t.db.webhookReceipt.count()).toBe(before);
  });

  test("a signed payload of the wrong shape is acked, recorded as rejected with the reason, and stores nothing", async () => {
    const orders = await t.db.order.count();
    const customers = await t.db.customer.count();
    expect(
      (await send("orders/create", '{"id":"drop table","total_price":{"$gt":1}}', { webhookId: "bad-shape-1" })).status,
    ).toBe(200);
    expect((await send("customers/update", '{"id":-5,"email":["x"]}', { webhookId: "bad-shape-2" })).status).toBe(200);
    const receipts = await t.db.webhookReceipt.findMany({
      where: { webhookId: { in: ["bad-shape-1", "bad-shape-2"] } },
    });
    expect(receipts.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(receipts[0]!.error).toMatch(/does not match the (orders\/create|customers\/update) schema/);
    expect(receipts.every((r) => r.body === null)).toBe(true);
    expect(await t.db.order.count()).toBe(orders);
    expect(await t.db.customer.count()).toBe(customers);
  });

  test("an oversized body is refused with 413", async () => {
    const huge = `{"id":1,"note":"${"x".repeat(6 * 1024 * 1024)}"}`;
    const res = await postWebhook(server.url, { topic: "orders/create", shop: SHOP, body: huge });
    expect(res.status).toBe(413);
  });

  test("a webhook for a shop that is not installed gets 404", async () => {
    const res = await send(
      "customers/update",
      customerBody({ id: "77", email: "a@b.jp", updatedAt: "2026-01-01T00:00:00Z" }),
      { shop: "nobody.myshopify.com" },
    );
    expect(res.status).toBe(404);
  });

  test("every anonymised real-store payload is refused or stored cleanly, never a 5xx", async () => {
    const dir = path.join(FIXTURES, "real-2025-04");
    const topicFor: Record<string, string> = {
      carts: "orders/create",
      checkouts: "checkouts/update",
      customers: "customers/update",
      customers_email_marketing_consent: "customers_email_marketing_consent/update",
      customers_marketing_consent: "customers_email_marketing_consent/update",
      inventory_levels: "inventory_levels/update",
      orders: "orders/updated",
      products: "products/update",
      refunds: "refunds/create",
    };
    for (const file of readdirSync(dir)) {
      const resource = file.replace(/__\d+\.json$/, "");
      const topic = topicFor[resource];
      expect(topic, `no topic mapped for ${file}`).toBeDefined();
      const res = await send(topic!, readFileSync(path.join(dir, file), "utf8"));
      expect(res.status, file).toBeLessThan(500);
    }
    expect(await t.db.webhookReceipt.count({ where: { status: "failed" } })).toBe(0);
    // placeholder GIDs ("https://www.example.com/") never become records
    expect(await t.db.order.count({ where: { gid: { contains: "example" } } })).toBe(0);
    expect(server.process.exitCode).toBeNull();
  });
});

describe("exactly once and newest wins", () => {
  test("a duplicate delivery (same webhook id) is applied once", async () => {
    const body = orderBody({
      id: "9007199254740993123",
      customerId: "9007199254740993777",
      email: "Dup@Example.jp",
      total: "5000",
      createdAt: "2026-11-01T10:00:00Z",
    });
    const first = await send("orders/create", body, { webhookId: "dup-1" });
    const second = await send("orders/create", body, { webhookId: "dup-1" });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await t.db.webhookReceipt.count({ where: { webhookId: "dup-1" } })).toBe(1);
    const order = await t.db.order.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Order/9007199254740993123" } },
      include: { lines: true, customer: true },
    });
    expect(order.lines).toHaveLength(1);
    expect(order.totalPrice).toBe(5_000_000n);
    expect(order.customer?.gid).toBe("gid://shopify/Customer/9007199254740993777");
    expect(order.customer?.emailNormalized).toBe("dup@example.jp");
    expect(order.customer?.ordersCount).toBe(1);
    expect(order.customer?.phase).toBe("new");
  });

  test("an older update arriving late never overwrites a newer one", async () => {
    const base = { id: "5550001", customerId: "5550002", email: "late@example.jp", createdAt: "2026-03-02T10:00:00Z" };
    await send(
      "orders/updated",
      orderBody({ ...base, total: "3000", updatedAt: "2026-03-05T00:00:00Z", financialStatus: "paid" }),
    );
    await send(
      "orders/updated",
      orderBody({ ...base, total: "9999", updatedAt: "2026-03-03T00:00:00Z", financialStatus: "pending" }),
    );
    const order = await t.db.order.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Order/5550001" } },
    });
    expect(order.totalPrice).toBe(3_000_000n);
    expect(order.financialStatus).toBe("paid");

    await send(
      "customers/update",
      customerBody({ id: "5550002", email: "late@example.jp", updatedAt: "2026-03-10T00:00:00Z", firstName: "Newer" }),
    );
    await send(
      "customers/update",
      customerBody({ id: "5550002", email: "late@example.jp", updatedAt: "2026-03-09T00:00:00Z", firstName: "Older" }),
    );
    const customer = await t.db.customer.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Customer/5550002" } },
    });
    expect(customer.firstName).toBe("Newer");
  });

  test("consent follows its own timestamps, so a late old subscribe cannot undo an unsubscribe", async () => {
    await send(
      "customers_email_marketing_consent/update",
      consentBody("5550002", "late@example.jp", "unsubscribed", "2026-04-02T00:00:00Z"),
    );
    await send(
      "customers_email_marketing_consent/update",
      consentBody("5550002", "late@example.jp", "subscribed", "2026-04-01T00:00:00Z"),
    );
    const customer = await t.db.customer.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Customer/5550002" } },
    });
    expect(customer.emailConsent).toBe("UNSUBSCRIBED");
  });
});

describe("refunds, cancellations, deletes, guests and merges", () => {
  const customerId = "7770001";
  const email = "regular@example.jp";

  test("partial and full refunds change net spend and counting", async () => {
    await send(
      "orders/create",
      orderBody({ id: "7771001", customerId, email, total: "10000", createdAt: "2026-10-01T00:00:00Z" }),
    );
    await send(
      "orders/create",
      orderBody({ id: "7771002", customerId, email, total: "4000", createdAt: "2026-10-10T00:00:00Z" }),
    );
    let c = await t.db.customer.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: `gid://shopify/Customer/${customerId}` } },
    });
    expect(c.ordersCount).toBe(2);
    expect(c.netSpend).toBe(14_000_000n);
    expect(c.phase).toBe("repeat");

    const partial = `{"id":88801,"admin_graphql_api_id":"gid://shopify/Refund/88801","order_id":7771001,"created_at":"2026-10-03T00:00:00Z","refund_line_items":[],"transactions":[{"kind":"refund","status":"success","amount":"2500"}]}`;
    await send("refunds/create", partial);
    await send("refunds/create", partial, { webhookId: "another-delivery-of-same-refund" });
    c = await t.db.customer.findUniqueOrThrow({ where: { id: c.id } });
    expect(c.netSpend).toBe(11_500_000n);

    const full = `{"id":88802,"order_id":7771002,"created_at":"2026-10-12T00:00:00Z","refund_line_items":[{"line_item_id":77710021,"quantity":1,"subtotal":4000,"total_tax":0}],"transactions":[{"kind":"refund","status":"success","amount":"4000"}]}`;
    await send("refunds/create", full);
    const refunded = await t.db.order.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Order/7771002" } },
      include: { lines: true },
    });
    expect(refunded.counted).toBe(false);
    expect(refunded.lines[0]!.refundedQuantity).toBe(1);
    c = await t.db.customer.findUniqueOrThrow({ where: { id: c.id } });
    expect(c.ordersCount).toBe(1);
    expect(c.phase).toBe("new");
  });

  test("a refund that arrives before its order is retried, not lost", async () => {
    const early = `{"id":88803,"order_id":7771003,"created_at":"2026-10-21T00:00:00Z","refund_line_items":[],"transactions":[{"kind":"refund","status":"success","amount":"1000"}]}`;
    expect(
      (await postWebhook(server.url, { topic: "refunds/create", shop: SHOP, body: early, webhookId: "early-refund" }))
        .status,
    ).toBe(200);
    const waitUntil = Date.now() + 5000;
    let receipt = await t.db.webhookReceipt.findFirstOrThrow({ where: { webhookId: "early-refund" } });
    while (!(receipt.attempts >= 1 && receipt.status === "pending") && Date.now() < waitUntil) {
      await new Promise((r) => setTimeout(r, 50));
      receipt = await t.db.webhookReceipt.findFirstOrThrow({ where: { webhookId: "early-refund" } });
    }
    expect(receipt.status).toBe("pending");
    expect(receipt.error).toMatch(/not mirrored yet/);
    await send(
      "orders/create",
      orderBody({ id: "7771003", customerId, email, total: "3000", createdAt: "2026-10-20T00:00:00Z" }),
    );
    // let the retry come due now instead of in a minute
    await t.db.webhookReceipt.update({ where: { id: receipt.id }, data: { claimedUntil: new Date(0) } });
    const deadline = Date.now() + 10_000;
    while ((await t.db.refund.count({ where: { gid: "gid://shopify/Refund/88803" } })) === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const order = await t.db.order.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Order/7771003" } },
    });
    expect(order.totalRefunded).toBe(1_000_000n);
  });

  test("a cancellation stops the order counting; a delete removes it", async () => {
    await send(
      "orders/cancelled",
      orderBody({
        id: "7771003",
        customerId,
        email,
        total: "3000",
        createdAt: "2026-10-20T00:00:00Z",
        updatedAt: "2026-10-22T00:00:00Z",
        cancelledAt: "2026-10-22T00:00:00Z",
        financialStatus: "refunded",
      }),
    );
    const order = await t.db.order.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Order/7771003" } },
    });
    expect(order.counted).toBe(false);
    await send("orders/delete", `{"id":7771003}`);
    expect(await t.db.order.count({ where: { shopId, gid: "gid://shopify/Order/7771003" } })).toBe(0);
  });

  test("a guest order joins the account with the same email (case and spaces ignored)", async () => {
    await send(
      "orders/create",
      orderBody({
        id: "7771004",
        customerId: null,
        email: "  REGULAR@example.jp ",
        total: "2000",
        createdAt: "2026-11-01T00:00:00Z",
      }),
    );
    const order = await t.db.order.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Order/7771004" } },
      include: { customer: true },
    });
    expect(order.customer?.gid).toBe(`gid://shopify/Customer/${customerId}`);
    expect(order.customer?.ordersCount).toBe(2);
  });

  test("a guest who later creates an account stays one person", async () => {
    await send(
      "orders/create",
      orderBody({
        id: "7772001",
        customerId: null,
        email: "guest@example.jp",
        total: "1500",
        createdAt: "2026-11-02T00:00:00Z",
      }),
    );
    await send(
      "customers/create",
      customerBody({ id: "7772002", email: "Guest@Example.jp", updatedAt: "2026-11-03T00:00:00Z" }),
    );
    const people = await t.db.customer.findMany({ where: { shopId, emailNormalized: "guest@example.jp" } });
    expect(people).toHaveLength(1);
    expect(people[0]!.gid).toBe("gid://shopify/Customer/7772002");
    expect(people[0]!.ordersCount).toBe(1);
  });

  test("customers/merge moves orders to the kept account", async () => {
    await send(
      "customers/create",
      customerBody({ id: "7773001", email: "kept@example.jp", updatedAt: "2026-11-01T00:00:00Z" }),
    );
    await send(
      "orders/create",
      orderBody({
        id: "7773101",
        customerId: "7773002",
        email: "gone@example.jp",
        total: "800",
        createdAt: "2026-11-05T00:00:00Z",
      }),
    );
    await send(
      "customers/merge",
      `{"admin_graphql_api_customer_kept_id":"gid://shopify/Customer/7773001","admin_graphql_api_customer_deleted_id":"gid://shopify/Customer/7773002","admin_graphql_api_job_id":null,"status":"completed","errors":[]}`,
    );
    expect(await t.db.customer.count({ where: { shopId, gid: "gid://shopify/Customer/7773002" } })).toBe(0);
    const kept = await t.db.customer.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Customer/7773001" } },
    });
    expect(kept.ordersCount).toBe(1);
  });
});

describe("compliance and tenancy", () => {
  test("customers/data_request assembles the customer's data for the merchant", async () => {
    // what Joren itself holds about the person: an email it sent, points, a back-in-stock request, a suppression
    const person = await t.db.customer.findFirstOrThrow({ where: { shopId, gid: "gid://shopify/Customer/7770001" } });
    const at = new Date("2026-10-05T00:00:00Z");
    await t.db.message.create({
      data: {
        shopId,
        customerId: person.id,
        scenario: "second_purchase",
        triggerKey: "dr-test",
        status: "sent",
        dueAt: at,
        sentAt: at,
        email: "regular@example.jp",
        subject: "また会えて嬉しいです",
        unsubscribedAt: at,
      },
    });
    const earned = await t.db.pointsEntry.create({
      data: { shopId, customerId: person.id, key: "dr-test:earn", kind: "earn", points: 120, occurredAt: at },
    });
    await t.db.pointsLot.create({
      data: {
        shopId,
        customerId: person.id,
        entryId: earned.id,
        points: 120,
        remaining: 120,
        earnedAt: at,
        expiresAt: new Date("2027-10-05T00:00:00Z"),
      },
    });
    await t.db.backInStockSubscription.create({
      data: {
        shopId,
        customerId: person.id,
        productGid: "gid://shopify/Product/1",
        variantGid: "gid://shopify/ProductVariant/2",
        source: "back_in_stock_form",
        consentAt: at,
      },
    });
    await t.db.suppression.create({
      data: { shopId, emailNormalized: "regular@example.jp", reason: "unsubscribe", at },
    });
    // a notify-me request for the same address, never confirmed, and one for another address
    for (const email of ["Regular@Example.jp", "someone-else@example.jp"]) {
      await t.db.optInRequest.create({
        data: {
          shopId,
          email,
          emailNormalized: email.toLowerCase(),
          purpose: "back_in_stock",
          variantGid: "gid://shopify/ProductVariant/3",
          productGid: "gid://shopify/Product/3",
          locale: "ja",
          status: "sent",
          requestedAt: at,
          sentAt: at,
          expiresAt: new Date("2026-10-08T00:00:00Z"),
        },
      });
    }

    await send(
      "customers/data_request",
      `{"shop_id":1,"shop_domain":"${SHOP}","customer":{"id":7770001,"email":"regular@example.jp","phone":null},"orders_requested":[7771001],"data_request":{"id":9}}`,
    );
    const request = await t.db.dataRequest.findFirstOrThrow({
      where: { shopId, customerGid: "gid://shopify/Customer/7770001" },
    });
    const doc = JSON.parse(request.export);
    expect(doc.customers[0].email).toBe("regular@example.jp");
    expect(doc.customers[0].orders.length).toBeGreaterThan(0);
    expect(doc.customers[0].emails).toEqual([
      expect.objectContaining({
        scenario: "second_purchase",
        status: "sent",
        subject: "また会えて嬉しいです",
        sentAt: at.toISOString(),
        unsubscribedAt: at.toISOString(),
      }),
    ]);
    // the orders earlier in this file earned points too: the balance is every entry's sum (no lot has expired)
    const points = doc.customers[0].points as { balance: number; entries: { points: number }[]; expiring: unknown[] };
    const ledger = await t.db.pointsEntry.findMany({ where: { shopId, customerId: person.id } });
    expect(points.entries).toHaveLength(ledger.length);
    expect(points.balance).toBe(ledger.reduce((sum, e) => sum + e.points, 0));
    expect(points.balance).toBe((await pointsBalance(t.db, shopId, [person.id])).get(person.id)?.balance);
    expect(points.entries).toContainEqual({
      kind: "earn",
      points: 120,
      orderGid: null,
      reason: null,
      occurredAt: at.toISOString(),
    });
    expect(points.expiring).toContainEqual({ points: 120, expiresAt: "2027-10-05T00:00:00.000Z" });
    expect(doc.customers[0].backInStockSubscriptions).toEqual([
      {
        productGid: "gid://shopify/Product/1",
        variantGid: "gid://shopify/ProductVariant/2",
        source: "back_in_stock_form",
        consentAt: at.toISOString(),
        locale: null,
      },
    ]);
    expect(doc.suppressions).toEqual([{ email: "regular@example.jp", reason: "unsubscribe", at: at.toISOString() }]);
    expect(doc.optInRequests).toEqual([
      {
        email: "regular@example.jp",
        purpose: "back_in_stock",
        productGid: "gid://shopify/Product/3",
        variantGid: "gid://shopify/ProductVariant/3",
        locale: "ja",
        status: "sent",
        requestedAt: at.toISOString(),
        confirmationSentAt: at.toISOString(),
        confirmedAt: null,
      },
    ]);
  });

  test("customers/redact erases PII and behaviour but keeps anonymous order totals", async () => {
    await send(
      "customers/redact",
      `{"shop_id":1,"shop_domain":"${SHOP}","customer":{"id":7770001,"email":"regular@example.jp","phone":null},"orders_to_redact":[7771001,7771002]}`,
    );
    const traces = await t.db.customer.count({
      where: { shopId, OR: [{ gid: "gid://shopify/Customer/7770001" }, { emailNormalized: "regular@example.jp" }] },
    });
    expect(traces).toBe(0);
    expect(await t.db.order.count({ where: { shopId, emailNormalized: "regular@example.jp" } })).toBe(0);
    expect(await t.db.dataRequest.count({ where: { shopId, customerGid: "gid://shopify/Customer/7770001" } })).toBe(0);
    const order = await t.db.order.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Order/7771001" } },
      include: { customer: true },
    });
    expect(order.totalPrice).toBe(10_000_000n);
    expect(order.customer?.emailConsent).toBe("REDACTED");
    // a later update for the redacted person does not bring the data back
    await send(
      "orders/updated",
      orderBody({
        id: "7771001",
        customerId: "7770001",
        email: "regular@example.jp",
        total: "10000",
        createdAt: "2026-10-01T00:00:00Z",
        updatedAt: "2026-11-20T00:00:00Z",
      }),
    );
    expect(
      await t.db.customer.count({
        where: {
          shopId,
          emailNormalized: "regular@example.jp",
          redactedAt: null,
          gid: "gid://shopify/Customer/7770001",
        },
      }),
    ).toBeLessThanOrEqual(1);
  });

  test("one shop's data is invisible to another", async () => {
    await send(
      "customers/update",
      customerBody({ id: "4440001", email: "shared@example.jp", updatedAt: "2026-01-01T00:00:00Z", firstName: "Mine" }),
    );
    await send(
      "customers/update",
      customerBody({
        id: "4440001",
        email: "shared@example.jp",
        updatedAt: "2026-01-01T00:00:00Z",
        firstName: "Theirs",
      }),
      { shop: OTHER },
    );
    const mine = await t.db.customer.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: "gid://shopify/Customer/4440001" } },
    });
    const theirs = await t.db.customer.findUniqueOrThrow({
      where: { shopId_gid: { shopId: otherShopId, gid: "gid://shopify/Customer/4440001" } },
    });
    expect(mine.id).not.toBe(theirs.id);
    expect(mine.firstName).toBe("Mine");
    expect(theirs.firstName).toBe("Theirs");
    // a guest order in the other shop with the same email does not join this shop's person
    await send(
      "orders/create",
      orderBody({ id: "4441001", email: "shared@example.jp", total: "100", createdAt: "2026-02-01T00:00:00Z" }),
      { shop: OTHER },
    );
    expect((await t.db.customer.findUniqueOrThrow({ where: { id: mine.id } })).ordersCount).toBe(0);
    expect((await t.db.customer.findUniqueOrThrow({ where: { id: theirs.id } })).ordersCount).toBe(1);
  });

  test("app/uninstalled stops work; shop/redact deletes everything of the shop", async () => {
    await send("app/uninstalled", `{"id":1,"domain":"${OTHER}"}`, { shop: OTHER });
    const res = await send(
      "customers/update",
      customerBody({ id: "4440009", email: "x@example.jp", updatedAt: "2026-01-02T00:00:00Z" }),
      { shop: OTHER },
    );
    expect(res.status).toBe(200);
    expect(await t.db.customer.count({ where: { shopId: otherShopId, gid: "gid://shopify/Customer/4440009" } })).toBe(
      0,
    );
    await send("shop/redact", `{"shop_id":2,"shop_domain":"${OTHER}"}`, { shop: OTHER });
    expect(await t.db.shop.count({ where: { domain: OTHER } })).toBe(0);
    expect(await t.db.customer.count({ where: { shopId: otherShopId } })).toBe(0);
    expect(await t.db.order.count({ where: { shopId: otherShopId } })).toBe(0);
    expect(await t.db.customer.count({ where: { shopId } })).toBeGreaterThan(0);
  });
});
