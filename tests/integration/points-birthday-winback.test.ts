// Time-travel tests of points_statement, points_expiry, birthday and winback on the real engine:
// nothing before the time, one email at it, never a second; exits re-checked at send time;
// content (balance, expiry, recommendations, coupon); nothing without consent.
import type { Db } from "~/db.server";
import { createFakeAdminPort, type FakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { createOutboxTransport } from "~/modules/delivery/mail/outbox-transport";
import { createPrismaOutboxStore } from "~/modules/delivery/mail/prisma-outbox-store.server";
import { runTick, type EngineDeps } from "~/modules/engine/tick.server";
import { upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import { recordOrder } from "~/modules/mirror/orders/record-order.server";
import { recordProduct } from "~/modules/mirror/catalog/record-product.server";
import { adjustPoints, spendPoints } from "~/modules/mirror/points/points-ledger.server";
import { birthdaySuffixes } from "~/modules/engine/scenarios/birthday/definition.server";
import { dormancyThresholdDays } from "~/modules/engine/scenarios/winback/definition.server";
import { parseScenarioSettings } from "~/modules/engine/scenarios/scenario-settings";
import type { NormalizedCustomer, NormalizedOrder } from "~/modules/mirror/types";
import type { ScenarioKey } from "~/modules/engine/scenarios/scenario-settings";
import { enableScenario, registerSendingShop } from "../helpers/sending-shop";
import { createTestDb, type TestDb } from "../helpers/db";

// 2026-11-02 10:00 in Tokyo (UTC+9, no DST)
const T0 = new Date("2026-11-02T01:00:00Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const tokyo = (iso: string) => new Date(`${iso}+09:00`);
const SENCHA = "gid://shopify/Product/9007199254740993001";

let t: TestDb;
let db: Db;
let shopId: string;
let admin: FakeAdminPort;
let deps: EngineDeps;
let serial = 0;

async function setup(assignments: string[] = []) {
  t = await createTestDb();
  db = t.db;
  shopId = await registerSendingShop(db, "points-test.myshopify.com", [
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
      gid: SENCHA,
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
  options: { consent?: "SUBSCRIBED" | "NOT_SUBSCRIBED"; birthDate?: string; locale?: string } = {},
) {
  serial++;
  const c: NormalizedCustomer = {
    gid: `gid://shopify/Customer/90071992547420${String(serial).padStart(4, "0")}`,
    email: `fan${serial}@example.jp`,
    firstName: "花子",
    lastName: "山田",
    phone: null,
    locale: options.locale ?? "ja",
    state: "enabled",
    tags: null,
    consent: {
      state: options.consent ?? "SUBSCRIBED",
      optInLevel: "SINGLE_OPT_IN",
      updatedAt: new Date(T0.getTime() - 400 * DAY),
    },
    birthDate: options.birthDate ?? null,
    createdAt: new Date(T0.getTime() - 400 * DAY),
    updatedAt: new Date(T0.getTime() - 400 * DAY),
  };
  const { id } = await upsertCustomer(db, { shopId, now: T0 }, c);
  return { id, ...c };
}

async function order(
  owner: { gid: string; email: string | null },
  at: Date,
  options: { total?: bigint; withSencha?: boolean } = {},
) {
  const gid = `gid://shopify/Order/90071992547600${String(++serial).padStart(4, "0")}`;
  const o: NormalizedOrder = {
    gid,
    name: `#${1000 + serial}`,
    customer: null,
    customerGid: owner.gid,
    email: owner.email,
    currency: "JPY",
    totalPrice: options.total ?? 3_240_000n,
    subtotalPrice: options.total ?? 3_240_000n,
    totalDiscounts: 0n,
    financialStatus: "paid",
    fulfillmentStatus: null,
    cancelledAt: null,
    cancelReason: null,
    paidAt: at,
    discountCodes: [],
    checkoutToken: null,
    cartToken: null,
    sourceName: "web",
    customerLocale: "ja",
    test: false,
    buyerAcceptsMarketing: null,
    createdAt: at,
    updatedAt: at,
    refunds: [],
    lines: options.withSencha
      ? [
          {
            gid: `gid://shopify/LineItem/${serial}`,
            productGid: SENCHA,
            variantGid: "gid://shopify/ProductVariant/9007199254740993002",
            title: "煎茶 Sencha",
            variantTitle: null,
            sku: null,
            quantity: 1,
            price: 1_620_000n,
            totalDiscount: 0n,
          },
        ]
      : [],
  };
  await recordOrder(db, { shopId, now: at }, o);
  return gid;
}

const ledger = (scenario: string) =>
  db.message.findMany({ where: { shopId, scenario }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
const tick = (at: Date) => runTick(db, shopId, at, deps);
const emailOf = (messageId: string) => db.outboxEmail.findUniqueOrThrow({ where: { messageId } });

afterEach(async () => t?.close());

describe("points_statement", () => {
  test("on the configured day and hour, once a month, only to customers holding points and consenting", async () => {
    await setup();
    await enable("points_statement", ["dayOfMonth=5"]);
    const holder = await customer();
    const empty = await customer();
    const noConsent = await customer({ consent: "NOT_SUBSCRIBED" });
    const bestsellerBuyer = await customer();
    await order(holder, T0); // 3,240 yen → 32 points
    await order(noConsent, T0);
    await order(bestsellerBuyer, T0, { withSencha: true });
    await spendPoints(db, shopId, bestsellerBuyer.id, 32, "all", "redeemed", T0); // spent everything: no statement
    await adjustPoints(db, shopId, empty.id, 5, "welcome", { now: T0 });
    await spendPoints(db, shopId, empty.id, 5, "e1", "redeemed", T0);

    await tick(tokyo("2026-11-05T09:59"));
    expect(await ledger("points_statement")).toHaveLength(0);

    const summary = await tick(tokyo("2026-11-05T10:00"));

    expect(summary.decided.points_statement).toEqual({ sent: 1, skipped: 1 });
    const rows = await ledger("points_statement");
    expect(rows.map((r) => r.customerId).sort()).toEqual([holder.id, noConsent.id].sort());
    const sent = rows.find((r) => r.customerId === holder.id)!;
    expect(sent).toMatchObject({ status: "sent", triggerKey: "statement:2026-11" });
    expect(rows.find((r) => r.customerId === noConsent.id)).toMatchObject({
      status: "skipped",
      reason: expect.stringMatching(/NOT_SUBSCRIBED/),
    });
    const email = await emailOf(sent.id);
    expect(email.subject).toContain("32ポイント");
    expect(email.html).toContain("2027年11月2日"); // the lot's expiry, 365 days after the order
    expect(email.html).toContain("煎茶 Sencha"); // a recommendation (the shop's bestseller)

    await tick(tokyo("2026-11-05T10:01"));
    await tick(tokyo("2026-11-06T10:00"));
    expect((await ledger("points_statement")).filter((r) => r.status === "sent")).toHaveLength(1);

    await tick(tokyo("2026-12-05T10:00"));
    expect((await ledger("points_statement")).filter((r) => r.status === "sent").map((r) => r.triggerKey)).toEqual([
      "statement:2026-11",
      "statement:2026-12",
    ]);
  });

  test("a customer whose points are gone by send time is skipped, not mailed", async () => {
    await setup(["quietHours=10-11"]);
    await enable("points_statement", ["dayOfMonth=5"]);
    const holder = await customer();
    await order(holder, T0);
    await tick(tokyo("2026-11-05T10:00")); // planned, deferred by quiet hours
    expect((await ledger("points_statement"))[0]!.status).toBe("deferred");
    await spendPoints(db, shopId, holder.id, 32, "s", "redeemed", tokyo("2026-11-05T10:30"));
    await tick(tokyo("2026-11-05T11:00"));
    expect((await ledger("points_statement"))[0]).toMatchObject({ status: "skipped", reason: "no points left" });
    expect(await db.outboxEmail.count()).toBe(0);
  });
});

describe("points_expiry", () => {
  test("30 and 7 days before a lot expires, with the amount, date and balance; not once the points are spent", async () => {
    await setup(["pointsExpiryDays=40"]);
    await enable("points_expiry");
    const keeps = await customer({ locale: "en" });
    const spends = await customer();
    await order(keeps, T0); // 32 points, expire 2026-12-12 10:00 Tokyo
    await order(spends, T0);
    await adjustPoints(db, shopId, keeps.id, 8, "later lot", { now: tokyo("2026-11-10T12:00") });

    await tick(tokyo("2026-11-12T09:59"));
    expect(await db.outboxEmail.count()).toBe(0);
    await tick(tokyo("2026-11-12T10:00"));
    const first = (await ledger("points_expiry")).filter((r) => r.status === "sent");
    expect(first.map((r) => r.triggerKey)).toEqual(["expiry:2026-12-12:30", "expiry:2026-12-12:30"]);
    const english = await emailOf(first.find((r) => r.customerId === keeps.id)!.id);
    expect(english.subject).toBe("32 points expire on December 12, 2026");
    expect(english.text).toContain("Your balance: 40 points.");

    await tick(tokyo("2026-11-13T10:00"));
    expect(await db.outboxEmail.count()).toBe(2);

    await spendPoints(db, shopId, spends.id, 32, "s", "redeemed", tokyo("2026-12-01T12:00"));
    await tick(tokyo("2026-12-05T10:00"));
    const second = (await ledger("points_expiry")).filter((r) => r.triggerKey === "expiry:2026-12-12:7");
    expect(second.find((r) => r.customerId === keeps.id)).toMatchObject({ status: "sent" });
    // the spender's points are gone: either never planned or skipped, never sent
    expect(second.filter((r) => r.customerId === spends.id && r.status === "sent")).toHaveLength(0);
    expect(await db.outboxEmail.count()).toBe(3);
  });
});

describe("birthday", () => {
  test("on the day at 09:00 shop time, once a year, with a coupon bound to the customer and recommendations", async () => {
    await setup();
    await enable("birthday");
    const fan = await customer({ birthDate: "1990-11-20" });
    const noConsent = await customer({ birthDate: "1985-11-20", consent: "NOT_SUBSCRIBED" });
    await customer({ birthDate: "1990-11-21" });
    await order(await customer(), T0, { withSencha: true });

    await tick(tokyo("2026-11-20T08:59"));
    expect(await ledger("birthday")).toHaveLength(0);
    await tick(tokyo("2026-11-20T09:00"));
    const rows = await ledger("birthday");
    expect(rows.map((r) => [r.customerId, r.status]).sort()).toEqual(
      [
        [fan.id, "sent"],
        [noConsent.id, "skipped"],
      ].sort(),
    );
    const sent = rows.find((r) => r.customerId === fan.id)!;
    expect(sent.triggerKey).toBe("birthday:2026");
    expect(admin.discounts).toHaveLength(1);
    expect(admin.discounts[0]).toMatchObject({ code: sent.couponCode, customerGid: fan.gid, percentage: 10 });
    const email = await emailOf(sent.id);
    expect(email.subject).toContain("お誕生日おめでとうございます");
    expect(email.html).toContain(sent.couponCode!);
    expect(email.html).toContain("煎茶 Sencha");

    await tick(tokyo("2026-11-20T09:30"));
    await tick(tokyo("2026-11-20T11:00"));
    expect(await db.outboxEmail.count()).toBe(1);

    await tick(tokyo("2027-11-20T09:00"));
    expect(
      (await ledger("birthday")).filter((r) => r.customerId === fan.id).map((r) => [r.triggerKey, r.status]),
    ).toEqual([
      ["birthday:2026", "sent"],
      ["birthday:2027", "sent"],
    ]);
  });

  test("a Feb 29 birthday is celebrated on Feb 28 in common years and on Feb 29 in leap years", async () => {
    await setup();
    await enable("birthday");
    const leapling = await customer({ birthDate: "2000-02-29" });
    await tick(tokyo("2027-02-28T09:00"));
    await tick(tokyo("2028-02-28T09:00"));
    await tick(tokyo("2028-02-29T09:00"));
    expect((await ledger("birthday")).map((r) => [r.customerId, r.triggerKey, r.dueAt.toISOString()])).toEqual([
      [leapling.id, "birthday:2027", tokyo("2027-02-28T09:00").toISOString()],
      [leapling.id, "birthday:2028", tokyo("2028-02-29T09:00").toISOString()],
    ]);
    expect(birthdaySuffixes({ year: 2100, month: 2, day: 28 })).toEqual(["-02-28", "-02-29"]); // 2100 is not a leap year
    expect(birthdaySuffixes({ year: 2000, month: 2, day: 28 })).toEqual(["-02-28"]);
  });

  test("the coupon is guarded: a first-purchase birthday offer goes only to a customer without orders", async () => {
    await setup(["loyaltyVariant=none"]);
    await enable("birthday", ["incentive.audience=first_purchase"]);
    const prospect = await customer({ birthDate: "1990-11-20" });
    const buyer = await customer({ birthDate: "1991-11-20" });
    await order(buyer, T0);
    await tick(tokyo("2026-11-20T09:00"));
    const rows = await ledger("birthday");
    expect(rows.find((r) => r.customerId === prospect.id)!.couponCode).toMatch(/^JOREN-/);
    const withheld = rows.find((r) => r.customerId === buyer.id)!;
    expect(withheld).toMatchObject({ status: "sent", couponCode: null });
    expect(admin.discounts.map((d) => d.customerGid)).toEqual([prospect.gid]);
  });
});

describe("winback", () => {
  test("once per dormant spell at the configured hour, with a coupon; a new order starts a new spell", async () => {
    await setup();
    await enable("winback");
    const dormant = await customer();
    const longGone = await customer();
    const recent = await customer();
    const noConsent = await customer({ consent: "NOT_SUBSCRIBED" });
    await order(dormant, new Date(T0.getTime() - 181 * DAY));
    await order(longGone, new Date(T0.getTime() - 400 * DAY)); // dormant for longer than the 90-day lookback
    await order(recent, new Date(T0.getTime() - 100 * DAY));
    await order(noConsent, new Date(T0.getTime() - 181 * DAY));

    await tick(tokyo("2026-11-02T09:59"));
    expect(await ledger("winback")).toHaveLength(0);
    await tick(tokyo("2026-11-02T10:00"));
    const rows = await ledger("winback");
    expect(rows.map((r) => [r.customerId, r.status]).sort()).toEqual(
      [
        [dormant.id, "sent"],
        [noConsent.id, "skipped"],
      ].sort(),
    );
    const sent = rows.find((r) => r.customerId === dormant.id)!;
    expect(admin.discounts[0]).toMatchObject({ code: sent.couponCode, customerGid: dormant.gid });
    expect((await emailOf(sent.id)).subject).toContain("お久しぶりです");

    await tick(tokyo("2026-11-03T10:00"));
    await tick(tokyo("2026-11-04T10:30"));
    expect((await ledger("winback")).filter((r) => r.customerId === dormant.id)).toHaveLength(1);

    // comes back, then goes quiet again: a new spell, a new email
    await order(dormant, tokyo("2026-11-10T12:00"));
    await tick(tokyo("2027-05-10T10:00")); // 181 days later
    expect((await ledger("winback")).filter((r) => r.customerId === dormant.id && r.status === "sent")).toHaveLength(2);
  });

  test("an order before the send exits it", async () => {
    await setup(["quietHours=10-11"]);
    await enable("winback");
    const dormant = await customer();
    await order(dormant, new Date(T0.getTime() - 181 * DAY));
    await tick(tokyo("2026-11-02T10:00"));
    expect((await ledger("winback"))[0]!.status).toBe("deferred");
    await order(dormant, tokyo("2026-11-02T10:30"));
    await tick(tokyo("2026-11-02T11:00"));
    expect((await ledger("winback"))[0]).toMatchObject({ status: "skipped", reason: "ordered again" });
    expect(await db.outboxEmail.count()).toBe(0);
  });

  test("adaptive: dormant after multiplier × the customer's median gap, within bounds", async () => {
    await setup();
    await enable("winback", ["adaptive.enabled=true"]);
    const monthly = await customer();
    for (const daysAgo of [160, 130, 100]) await order(monthly, new Date(T0.getTime() - daysAgo * DAY)); // gaps 30, 30 → 90 days
    const single = await customer();
    await order(single, new Date(T0.getTime() - 100 * DAY)); // one order: the fixed 180 days
    await tick(tokyo("2026-11-02T10:00"));
    expect((await ledger("winback")).map((r) => [r.customerId, r.status])).toEqual([[monthly.id, "sent"]]);

    const settings = parseScenarioSettings("winback", JSON.stringify({ adaptive: { enabled: true } }));
    const days = (...gaps: number[]) =>
      gaps.reduce<Date[]>((list, g) => [...list, new Date(list[list.length - 1]!.getTime() + g * DAY)], [T0]);
    expect(dormancyThresholdDays(settings, days(10, 10))).toBe(90); // 30 → raised to minDays
    expect(dormancyThresholdDays(settings, days(50, 60, 70))).toBe(180);
    expect(dormancyThresholdDays(settings, days(200, 200))).toBe(365); // 600 → capped at maxDays
    expect(
      dormancyThresholdDays({ ...settings, adaptive: { ...settings.adaptive, enabled: false } }, days(10, 10)),
    ).toBe(180);
  });
});
