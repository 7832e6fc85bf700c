// Time-travel tests of the engine: trigger → tick before the delay (nothing) → after (one
// message) → again (still one); exits, consent, cap and priority, quiet hours, guard, holdout,
// concurrency and crash recovery. Mail goes to the local outbox; the Admin API is the fake.
import { spawn } from "node:child_process";
import type { Db } from "~/db.server";
import { createFakeAdminPort, type FakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { createOutboxTransport } from "~/modules/delivery/mail/outbox-transport";
import { createPrismaOutboxStore } from "~/modules/delivery/mail/prisma-outbox-store.server";
import { runTick, type EngineDeps } from "~/modules/engine/tick.server";
import { AWAITING_PROVIDER_EVENTS } from "~/modules/engine/recover-sends.server";
import { recordMailEvents } from "~/modules/tracking/record-mail-events.server";
import { upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import { recordCheckout } from "~/modules/mirror/checkouts/record-checkout.server";
import { recordOrder } from "~/modules/mirror/orders/record-order.server";
import { recordProduct } from "~/modules/mirror/catalog/record-product.server";
import type { NormalizedCheckout, NormalizedCustomer, NormalizedOrder } from "~/modules/mirror/types";
import type { ScenarioKey } from "~/modules/engine/scenarios/scenario-settings";
import { enableScenario, registerSendingShop } from "../helpers/sending-shop";
import { createTestDb, type TestDb } from "../helpers/db";

const T0 = new Date("2026-11-02T01:00:00Z"); // 10:00 in Tokyo, a Monday
const MIN = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

let t: TestDb;
let db: Db;
let shopId: string;
let admin: FakeAdminPort;
let deps: EngineDeps;
let serial = 0;

async function setup(assignments: string[] = []) {
  t = await createTestDb();
  db = t.db;
  shopId = await registerSendingShop(db, "engine-test.myshopify.com", [
    "holdoutPercent=0",
    "quietHours=off",
    ...assignments,
  ]);
  admin = createFakeAdminPort({});
  deps = {
    transport: createOutboxTransport(createPrismaOutboxStore(db, shopId)),
    admin,
    appUrl: "https://joren.test",
    mailSecret: "s".repeat(40),
  };
  await recordProduct(
    db,
    { shopId, now: T0 },
    {
      gid: "gid://shopify/Product/9007199254740993001",
      title: "煎茶 Sencha",
      handle: "sencha",
      status: "active",
      productType: "Tea",
      vendor: null,
      tags: null,
      imageUrl: "https://cdn.example/sencha.jpg",
      publishedAt: T0,
      updatedAt: T0,
      variants: [
        {
          gid: "gid://shopify/ProductVariant/9007199254740993002",
          title: "100g",
          sku: null,
          price: 1_620_000n,
          inventoryItemGid: null,
          inventoryQuantity: 10,
          inventoryPolicy: "deny",
          updatedAt: T0,
        },
      ],
    },
  );
}

const enable = (key: ScenarioKey, assignments: string[] = []) => enableScenario(db, shopId, key, assignments);

async function customer(
  options: { consent?: "SUBSCRIBED" | "NOT_SUBSCRIBED" | "UNSUBSCRIBED"; createdAt?: Date; email?: string } = {},
) {
  serial++;
  const c: NormalizedCustomer = {
    gid: `gid://shopify/Customer/${9007199254740000n + BigInt(serial)}`,
    email: options.email ?? `buyer${serial}@example.jp`,
    firstName: "花子",
    lastName: "山田",
    phone: null,
    locale: "ja",
    state: "enabled",
    tags: null,
    consent: {
      state: options.consent ?? "SUBSCRIBED",
      optInLevel: "SINGLE_OPT_IN",
      updatedAt: options.createdAt ?? at(-60 * 24),
    },
    birthDate: null,
    createdAt: options.createdAt ?? at(-60 * 24 * 30),
    updatedAt: options.createdAt ?? at(-60 * 24 * 30),
  };
  const { id } = await upsertCustomer(db, { shopId, now: T0 }, c);
  return { id, ...c };
}

async function checkout(owner: { gid: string; email: string | null }, minutes = 0, token = `tok-${++serial}`) {
  const c: NormalizedCheckout = {
    token,
    shopifyId: String(serial),
    cartToken: null,
    customer: null,
    customerGid: owner.gid,
    email: owner.email,
    locale: "ja",
    currency: "JPY",
    totalPrice: 1_620_000n,
    abandonedCheckoutUrl: `https://engine-test.myshopify.com/checkouts/${token}/recover`,
    buyerAcceptsMarketing: false,
    lines: [
      {
        productGid: "gid://shopify/Product/9007199254740993001",
        variantGid: "gid://shopify/ProductVariant/9007199254740993002",
        title: "煎茶 Sencha",
        variantTitle: null,
        quantity: 2,
        price: 1_620_000n,
      },
    ],
    completedAt: null,
    createdAt: at(minutes),
    updatedAt: at(minutes),
  };
  await recordCheckout(db, { shopId, now: at(minutes) }, c);
  // the checkout's customer is resolved by email (the payload had no customer object)
  return token;
}

async function order(
  owner: { gid: string; email: string | null },
  minutes: number,
  checkoutToken: string | null = null,
) {
  const o: NormalizedOrder = {
    gid: `gid://shopify/Order/${9007199254750000n + BigInt(++serial)}`,
    name: "#1001",
    customer: null,
    customerGid: owner.gid,
    email: owner.email,
    currency: "JPY",
    totalPrice: 3_240_000n,
    subtotalPrice: 3_240_000n,
    totalDiscounts: 0n,
    financialStatus: "paid",
    fulfillmentStatus: null,
    cancelledAt: null,
    cancelReason: null,
    paidAt: at(minutes),
    discountCodes: [],
    checkoutToken,
    cartToken: null,
    sourceName: "web",
    customerLocale: "ja",
    test: false,
    buyerAcceptsMarketing: null,
    createdAt: at(minutes),
    updatedAt: at(minutes),
    lines: [],
    refunds: [],
  };
  await recordOrder(db, { shopId, now: at(minutes) }, o);
}

const ledger = (scenario?: string) =>
  db.message.findMany({ where: { shopId, ...(scenario ? { scenario } : {}) }, orderBy: { createdAt: "asc" } });
const tick = (minutes: number) => runTick(db, shopId, at(minutes), deps);

afterEach(async () => t?.close());

describe("cart abandonment", () => {
  test("nothing before the delay, one email after it, never a second", async () => {
    await setup();
    await enable("cart_abandonment");
    const buyer = await customer();
    await checkout(buyer, 0);
    await tick(30);
    expect((await ledger("cart_abandonment")).map((m) => m.status)).toEqual(["planned"]);
    expect(await db.outboxEmail.count()).toBe(0);

    const summary = await tick(61);
    expect(summary.decided.cart_abandonment).toEqual({ sent: 1 });
    const [message] = await ledger("cart_abandonment");
    expect(message!.status).toBe("sent");
    expect(message!.email).toBe(buyer.email);
    expect(message!.locale).toBe("ja");
    const email = await db.outboxEmail.findUniqueOrThrow({ where: { messageId: message!.id } });
    expect(email.html).toContain("煎茶 Sencha");
    expect(email.html).toContain("https://joren.test/email/click?t=");
    expect(email.text).toContain("1-2-3 Shibuya, Tokyo");
    const headers = JSON.parse(email.headers) as { headers: Record<string, string> } & Record<string, unknown>;
    expect(JSON.stringify(headers)).toContain("List-Unsubscribe=One-Click");

    await tick(62);
    await tick(60 * 5);
    expect(await db.outboxEmail.count()).toBe(1);
  });

  test("an identified visitor who added to cart and never reached checkout gets the reminder; a checkout since exits it", async () => {
    await setup();
    await enable("cart_abandonment");
    const adder = await customer();
    const wentOn = await customer();
    for (const [who, minutes] of [
      [adder, 0],
      [adder, 5],
      [wentOn, 0],
    ] as const) {
      await db.behaviourEvent.create({
        data: {
          shopId,
          eventId: `add-${++serial}`,
          name: "product_added_to_cart",
          clientId: `c-${who.id}`,
          customerId: who.id,
          productGid: "gid://shopify/Product/9007199254740993001",
          variantGid: "gid://shopify/ProductVariant/9007199254740993002",
          quantity: 1,
          occurredAt: at(minutes),
        },
      });
    }
    await tick(50);
    expect(await db.outboxEmail.count()).toBe(0);
    await checkout(wentOn, 55);
    await tick(66);
    const rows = await ledger("cart_abandonment");
    const sent = rows.find((m) => m.customerId === adder.id && m.triggerKey.startsWith("cart:"))!;
    expect(sent.status).toBe("sent");
    const email = await db.outboxEmail.findUniqueOrThrow({ where: { messageId: sent.id } });
    expect(email.html).toContain("煎茶 Sencha");
    expect(email.html).toContain("https://joren.test/email/click?t=");
    const other = rows.find((m) => m.customerId === wentOn.id && m.triggerKey.startsWith("cart:"))!;
    expect(other.status).toBe("skipped");
    expect(other.reason).toMatch(/went on to checkout/);
  });

  test("the second reminder at 24 h when enabled", async () => {
    await setup();
    await enable("cart_abandonment", ["secondReminder.enabled=true"]);
    const buyer = await customer();
    await checkout(buyer, 0);
    await tick(61);
    await tick(60 * 23);
    expect(await db.outboxEmail.count()).toBe(1);
    await tick(60 * 24 + 1);
    expect((await ledger("cart_abandonment")).map((m) => [m.triggerKey.split(":").pop(), m.status])).toEqual([
      ["1", "sent"],
      ["2", "sent"],
    ]);
  });

  test("exits: an order since the trigger, a completed checkout", async () => {
    await setup();
    await enable("cart_abandonment");
    const orderedLater = await customer();
    await checkout(orderedLater, 0);
    await order(orderedLater, 20);
    const completed = await customer();
    const token = await checkout(completed, 0);
    await order(completed, 30, token);
    await tick(61);
    const rows = await ledger("cart_abandonment");
    expect(rows.every((m) => m.status === "skipped")).toBe(true);
    expect(rows.map((m) => m.reason).join(" | ")).toMatch(/ordered since|checkout completed/);
    expect(await db.outboxEmail.count()).toBe(0);
  });

  test("consent: only SUBSCRIBED customers get mail, the others are recorded with the reason", async () => {
    await setup();
    await enable("cart_abandonment");
    await checkout(await customer({ consent: "NOT_SUBSCRIBED" }), 0);
    await checkout(await customer({ consent: "UNSUBSCRIBED" }), 0);
    await tick(61);
    const reasons = (await ledger()).map((m) => `${m.status}: ${m.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^skipped: .*NOT_SUBSCRIBED/),
        expect.stringMatching(/^skipped: .*UNSUBSCRIBED/),
      ]),
    );
    expect(await db.outboxEmail.count()).toBe(0);
  });

  test("quiet hours defer to the morning in the shop's timezone, not drop", async () => {
    await setup(["quietHours=21-8"]);
    await enable("cart_abandonment");
    const buyer = await customer();
    const evening = 12 * 60; // 22:00 in Tokyo
    await checkout(buyer, evening);
    await tick(evening + 61);
    const [deferred] = await ledger();
    expect(deferred!.status).toBe("deferred");
    expect(deferred!.deferredUntil?.toISOString()).toBe("2026-11-02T23:00:00.000Z"); // 08:00 Tokyo
    await tick(22 * 60 + 1);
    expect((await ledger())[0]!.status).toBe("sent");
  });

  test("the sender identity is required before any send", async () => {
    await setup(["senderAddress="]);
    await enable("cart_abandonment");
    await checkout(await customer(), 0);
    const summary = await tick(61);
    expect(summary.notes.join(" ")).toMatch(/sender identity/);
    const [row] = await ledger();
    expect(row!.status).toBe("deferred");
    expect(row!.reason).toMatch(/sender identity/);
  });
});

describe("browse abandonment and the frequency cap", () => {
  async function view(
    customerId: string,
    minutes: number,
    product = "gid://shopify/Product/9007199254740993001",
    name = "product_viewed",
  ) {
    await db.behaviourEvent.create({
      data: {
        shopId,
        eventId: `ev-${++serial}`,
        name,
        clientId: `client-${customerId}`,
        customerId,
        productGid: product,
        occurredAt: at(minutes),
      },
    });
  }

  test("sent 2 h after the last view with the viewed products; an add to cart exits it", async () => {
    await setup();
    await enable("browse_abandonment");
    const viewer = await customer();
    const adder = await customer();
    await view(viewer.id, 0);
    await view(viewer.id, 10);
    await view(adder.id, 0);
    await view(adder.id, 5, "gid://shopify/Product/9007199254740993001", "product_added_to_cart");
    await tick(60);
    expect(await db.outboxEmail.count()).toBe(0);
    await tick(131);
    const rows = await ledger("browse_abandonment");
    const sent = rows.find((m) => m.customerId === viewer.id)!;
    expect(sent.status).toBe("sent");
    expect((await db.outboxEmail.findUniqueOrThrow({ where: { messageId: sent.id } })).html).toContain("煎茶 Sencha");
    expect(rows.find((m) => m.customerId === adder.id)?.reason).toMatch(/added to cart/);
  });

  test("cart beats browse for the same customer in the same tick; browse waits for the cap, then is suppressed", async () => {
    await setup();
    await enable("cart_abandonment");
    await enable("browse_abandonment");
    const buyer = await customer();
    await view(buyer.id, -60);
    await checkout(buyer, 0);
    await tick(121);
    const rows = await ledger();
    expect(rows.find((m) => m.scenario === "cart_abandonment")?.status).toBe("sent");
    const browse = rows.find((m) => m.scenario === "browse_abandonment")!;
    expect(browse.status).not.toBe("sent");
    await tick(60 * 20);
    expect((await ledger("browse_abandonment"))[0]!.status).toBe("skipped");
    expect(await db.outboxEmail.count()).toBe(1);
  });
});

describe("welcome and the discount guard", () => {
  test("a new prospect gets the welcome email 10 minutes after sign-up with a coupon bound to them", async () => {
    await setup();
    await enable("welcome");
    const prospect = await customer({ createdAt: at(0) });
    await tick(5);
    expect(await db.outboxEmail.count()).toBe(0);
    await tick(11);
    const [row] = await ledger("welcome");
    expect(row!.status).toBe("sent");
    expect(row!.couponCode).toMatch(/^JOREN-[0-9A-F]{10}$/);
    expect(admin.discounts).toHaveLength(1);
    expect(admin.discounts[0]).toMatchObject({ code: row!.couponCode, customerGid: prospect.gid });
    expect((await db.outboxEmail.findUniqueOrThrow({ where: { messageId: row!.id } })).html).toContain(
      row!.couponCode!,
    );
  });

  test("a prospect who orders between planning and sending gets nothing", async () => {
    await setup();
    await enable("welcome");
    const prospect = await customer({ createdAt: at(0) });
    await tick(5);
    await order(prospect, 7);
    await tick(11);
    const [row] = await ledger("welcome");
    expect(row!.status).toBe("skipped");
    expect(row!.reason).toMatch(/ordered/);
    expect(admin.discounts).toHaveLength(0);
  });

  test("a repeat customer never gets a first-purchase offer: the loyalty variant goes instead, with the reason", async () => {
    await setup();
    await enable("cart_abandonment", [
      "incentive.audience=first_purchase",
      "incentive.kind=percent",
      "incentive.value=10",
    ]);
    const regular = await customer();
    await order(regular, -60 * 24 * 10);
    await checkout(regular, 0);
    await tick(61);
    const [row] = await ledger("cart_abandonment");
    expect(row!.status).toBe("sent");
    expect(row!.reason).toMatch(/first-purchase offer withheld/);
    expect(JSON.parse(row!.incentive!)).toMatchObject({ kind: "coupon", percentOff: 10 });
    expect(admin.discounts[0]).toMatchObject({ customerGid: regular.gid });
  });

  test("with the 'none' loyalty variant, a repeat customer's email carries no code at all", async () => {
    await setup(["loyaltyVariant=none"]);
    await enable("cart_abandonment", [
      "incentive.audience=first_purchase",
      "incentive.kind=percent",
      "incentive.value=10",
    ]);
    const regular = await customer();
    await order(regular, -60 * 24 * 10);
    await checkout(regular, 0);
    await tick(61);
    const [row] = await ledger("cart_abandonment");
    expect(row!.couponCode).toBeNull();
    expect(admin.discounts).toHaveLength(0);
  });
});

describe("holdout, exactly once and recovery", () => {
  test("held-out customers are recorded, not sent", async () => {
    await setup(["holdoutPercent=50"]);
    await enable("cart_abandonment");
    for (let i = 0; i < 40; i++) await checkout(await customer(), 0);
    await tick(61);
    const rows = await ledger();
    const held = rows.filter((m) => m.status === "held_out");
    expect(held.length).toBeGreaterThan(5);
    expect(held.length).toBeLessThan(35);
    expect(held.every((m) => m.holdout)).toBe(true);
    expect(await db.outboxEmail.count()).toBe(rows.length - held.length);
  });

  test("two engine processes ticking the same shop at once send each email once", async () => {
    await setup();
    await enable("cart_abandonment");
    for (let i = 0; i < 15; i++) await checkout(await customer(), 0);
    const tickProcess = () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            "--import",
            "tsx",
            "app/cli/main.ts",
            "tick",
            "--shop",
            "engine-test.myshopify.com",
            "--now",
            at(61).toISOString(),
          ],
          {
            env: {
              ...process.env,
              DATABASE_URL: t.url,
              JOREN_MAIL_TOKEN_SECRET: "s".repeat(40),
              SHOPIFY_APP_URL: "https://joren.test",
            },
          },
        );
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (code) => resolve({ code, stdout, stderr }));
      });
    const [one, two] = await Promise.all([tickProcess(), tickProcess()]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const sentByEach = [one, two].map(
      (r) =>
        (JSON.parse(r.stdout) as { decided: { cart_abandonment?: { sent?: number } } }).decided.cart_abandonment
          ?.sent ?? 0,
    );
    expect(sentByEach[0]! + sentByEach[1]!).toBe(15);
    expect(await db.outboxEmail.count()).toBe(15);
    expect(await db.message.count({ where: { status: "sent" } })).toBe(15);
  });

  /** `count` cart reminders left "sending" by a process that died (its claims expired at minute 40). */
  async function interruptedCartReminders(count: number) {
    await setup();
    await enable("cart_abandonment");
    const owners = [];
    for (let i = 0; i < count; i++) owners.push(await customer());
    for (const owner of owners) await checkout(owner, 0);
    await tick(30);
    const rows = await ledger();
    expect(rows).toHaveLength(count);
    await db.message.updateMany({
      where: { shopId },
      data: { status: "sending", claimedBy: "dead-instance", claimedUntil: at(40) },
    });
    return { owners, rows };
  }

  test("a crash between 'sending' and 'sent' never produces a duplicate", async () => {
    const {
      owners: [a],
      rows: [rowA, rowB],
    } = await interruptedCartReminders(2);
    // A died after the outbox stored it; B died before anything left.
    await db.outboxEmail.create({
      data: {
        shopId,
        messageId: rowA!.id,
        toEmail: a!.email!,
        fromEmail: "x@y.z",
        fromName: "x",
        subject: "s",
        html: "h",
        text: "t",
      },
    });
    // a transport whose deliveries are not recorded here (SendGrid): B may have gone out, so it is not retried
    const outbox = deps.transport;
    deps = { ...deps, transport: { send: (batch) => outbox.send(batch) } };
    const summary = await tick(61);
    expect(summary.recovered).toBe(2);
    const after = await ledger();
    expect(after.find((m) => m.id === rowA!.id)?.status).toBe("sent");
    expect(after.find((m) => m.id === rowB!.id)?.status).toBe("failed");
    expect(after.find((m) => m.id === rowB!.id)?.reason).toMatch(/not retried/);
    expect(await db.outboxEmail.count()).toBe(1);
  });

  test("with SendGrid's event webhook working, an interrupted row is confirmed by its event, or retried once when none came within an hour", async () => {
    // a process died with all three handed over (or not) to SendGrid
    const {
      rows: [rowA, rowB, rowC],
    } = await interruptedCartReminders(3);
    // a transport like SendGrid: nothing of its record lives in our database (fake, counts requests)
    const handedOver: string[] = [];
    deps = {
      ...deps,
      transport: {
        send: async (batch) =>
          batch.map((m) => (handedOver.push(m.messageId), { messageId: m.messageId, status: "sent" as const })),
      },
    };
    // SendGrid's event webhook already reported A: that proves both that A went out and that the webhook works
    await recordMailEvents(db, shopId, [
      { eventId: "sg-a-processed", messageId: rowA!.id, kind: "processed", at: at(36) },
    ]);

    const first = await tick(61);
    expect(first.recovered).toBe(3);
    const status = async () =>
      new Map(
        (await ledger()).map((m) => [
          m.id,
          { status: m.status, claimedBy: m.claimedBy, sentAt: m.sentAt, reason: m.reason },
        ]),
      );
    let rows = await status();
    expect(rows.get(rowA!.id)).toMatchObject({
      status: "sent",
      claimedBy: null,
      reason: expect.stringMatching(/SendGrid's events show/),
    });
    expect(rows.get(rowB!.id)).toMatchObject({ status: "sending", claimedBy: AWAITING_PROVIDER_EVENTS });
    expect(rows.get(rowC!.id)).toMatchObject({ status: "sending", claimedBy: AWAITING_PROVIDER_EVENTS });

    // B's delivery event arrives late: it settles B at once, with the event's time
    await recordMailEvents(db, shopId, [
      { eventId: "sg-b-delivered", messageId: rowB!.id, kind: "delivered", at: at(70) },
    ]);
    rows = await status();
    expect(rows.get(rowB!.id)).toMatchObject({ status: "sent", sentAt: at(70), claimedBy: null });

    // inside the hour nothing is retried
    await tick(90);
    expect(handedOver).toEqual([]);
    expect((await status()).get(rowC!.id)?.status).toBe("sending");

    // an hour passed without a word about C: SendGrid never had it, so it goes out, once
    await tick(122);
    expect(handedOver).toEqual([rowC!.id]);
    rows = await status();
    expect([...rows.values()].map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    await tick(123);
    expect(handedOver).toEqual([rowC!.id]);
  });

  test("with the local outbox, a row interrupted before it was stored is sent on the next tick, once", async () => {
    const {
      owners: [a],
      rows: [rowA],
    } = await interruptedCartReminders(2);
    await db.outboxEmail.create({
      data: {
        shopId,
        messageId: rowA!.id,
        toEmail: a!.email!,
        fromEmail: "x@y.z",
        fromName: "x",
        subject: "s",
        html: "h",
        text: "t",
      },
    });
    const summary = await tick(61);
    expect(summary.recovered).toBe(2);
    const after = await ledger();
    expect(after.map((m) => m.status)).toEqual(["sent", "sent"]);
    expect(await db.outboxEmail.count()).toBe(2);
    await tick(62);
    expect(await db.outboxEmail.count()).toBe(2);
  });

  test("an uninstalled shop runs nothing", async () => {
    await setup();
    await enable("cart_abandonment");
    await checkout(await customer(), 0);
    await db.shop.update({ where: { id: shopId }, data: { uninstalledAt: T0 } });
    const summary = await tick(61);
    expect(summary.notes.join(" ")).toMatch(/uninstalled/);
    expect(await db.message.count()).toBe(0);
  });
});
