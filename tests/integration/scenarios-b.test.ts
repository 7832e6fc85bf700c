// Time-travel tests of back_in_stock, recommendations, second_purchase and replenishment on the
// real engine: mirror writes (products, orders, storefront views, restocks) → tick before the
// timing (nothing) → after (one message, the right content) → again (still one); exits re-checked
// at send time; nothing to customers without consent. Mail goes to the local outbox.
import type { Db } from "~/db.server";
import { createFakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { createOutboxTransport } from "~/modules/delivery/mail/outbox-transport";
import { createPrismaOutboxStore } from "~/modules/delivery/mail/prisma-outbox-store.server";
import { runTick, type EngineDeps } from "~/modules/engine/tick.server";
import { assignShopSettings } from "~/modules/platform/settings/shop-settings.server";
import { upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import { recordOrder } from "~/modules/mirror/orders/record-order.server";
import { recordProduct } from "~/modules/mirror/catalog/record-product.server";
import { recomputeRecommendationModel } from "~/modules/engine/recommendations/recompute-model.server";
import { loadRecommendations, recommendProductGids } from "~/modules/engine/recommendations/recommend.server";
import { digestSlot } from "~/modules/engine/scenarios/recommendations/definition.server";
import type { NormalizedCustomer, NormalizedOrder } from "~/modules/mirror/types";
import type { ScenarioKey } from "~/modules/engine/scenarios/scenario-settings";
import { enableScenario, registerSendingShop } from "../helpers/sending-shop";
import { createTestDb, type TestDb } from "../helpers/db";

const T0 = new Date("2026-11-02T01:00:00Z"); // 10:00 in Tokyo, a Monday
const MIN = 60_000;
const DAY = 86_400_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
const days = (n: number) => new Date(T0.getTime() + n * DAY);

let t: TestDb;
let db: Db;
let shopId: string;
let deps: EngineDeps;
let serial = 0;

const P = (n: number) => `gid://shopify/Product/90071992547409${String(n).padStart(2, "0")}`;
const V = (n: number) => `gid://shopify/ProductVariant/90071992547419${String(n).padStart(2, "0")}`;

async function setup() {
  t = await createTestDb();
  db = t.db;
  serial = 0;
  shopId = await registerSendingShop(db, "scenarios-b.myshopify.com", [
    "holdoutPercent=0",
    "quietHours=off",
    "frequencyCapHours=1",
  ]);
  deps = {
    transport: createOutboxTransport(createPrismaOutboxStore(db, shopId)),
    admin: createFakeAdminPort({}),
    appUrl: "https://joren.test",
    mailSecret: "s".repeat(40),
  };
}

async function product(
  n: number,
  options: { available?: number; status?: string; tags?: string; at?: Date; title?: string } = {},
) {
  await recordProduct(
    db,
    { shopId, now: options.at ?? days(-400) },
    {
      gid: P(n),
      title: options.title ?? `Tea ${n}`,
      handle: `tea-${n}`,
      status: options.status ?? "active",
      productType: "Tea",
      vendor: null,
      tags: options.tags ?? null,
      imageUrl: `https://cdn.example/tea-${n}.jpg`,
      publishedAt: days(-500),
      updatedAt: options.at ?? days(-400),
      variants: [
        {
          gid: V(n),
          title: "100g",
          sku: null,
          price: 1_000_000n * BigInt(n + 1),
          inventoryItemGid: null,
          inventoryQuantity: options.available ?? 10,
          inventoryPolicy: "deny",
          updatedAt: options.at ?? days(-400),
        },
      ],
    },
  );
}

async function customer(options: { consent?: "SUBSCRIBED" | "NOT_SUBSCRIBED" | "UNSUBSCRIBED"; locale?: string } = {}) {
  serial++;
  const c: NormalizedCustomer = {
    gid: `gid://shopify/Customer/${9007199254740000n + BigInt(serial)}`,
    email: `buyer${serial}@example.jp`,
    firstName: "花子",
    lastName: "山田",
    phone: null,
    locale: options.locale ?? "ja",
    state: "enabled",
    tags: null,
    consent: { state: options.consent ?? "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", updatedAt: days(-600) },
    birthDate: null,
    createdAt: days(-600),
    updatedAt: days(-600),
  };
  const { id } = await upsertCustomer(db, { shopId, now: days(-600) }, c);
  return { id, ...c };
}

async function order(owner: { gid: string; email: string | null }, when: Date, products: number[]) {
  const n = ++serial;
  const o: NormalizedOrder = {
    gid: `gid://shopify/Order/${9007199254750000n + BigInt(n)}`,
    name: `#${1000 + n}`,
    customer: null,
    customerGid: owner.gid,
    email: owner.email,
    currency: "JPY",
    totalPrice: 1_000_000n,
    subtotalPrice: 1_000_000n,
    totalDiscounts: 0n,
    financialStatus: "paid",
    fulfillmentStatus: null,
    cancelledAt: null,
    cancelReason: null,
    paidAt: when,
    discountCodes: [],
    checkoutToken: null,
    cartToken: null,
    sourceName: "web",
    customerLocale: "ja",
    test: false,
    buyerAcceptsMarketing: null,
    createdAt: when,
    updatedAt: when,
    refunds: [],
    lines: products.map((p, i) => ({
      gid: `gid://shopify/LineItem/${n}${i}`,
      productGid: P(p),
      variantGid: V(p),
      title: `Tea ${p}`,
      variantTitle: null,
      sku: null,
      quantity: 1,
      price: 1_000_000n,
      totalDiscount: 0n,
    })),
  };
  await recordOrder(db, { shopId, now: when }, o);
}

async function view(who: { id: string }, when: Date, productN: number) {
  await db.behaviourEvent.create({
    data: {
      shopId,
      eventId: `view-${++serial}`,
      name: "product_viewed",
      clientId: `client-${who.id}`,
      customerId: who.id,
      productGid: P(productN),
      variantGid: V(productN),
      occurredAt: when,
    },
  });
}

const enable = (key: ScenarioKey, assignments: string[] = []) => enableScenario(db, shopId, key, assignments);

const ledger = (scenario: string) =>
  db.message.findMany({ where: { shopId, scenario }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
const tick = (when: Date) => runTick(db, shopId, when, deps);
const sentTo = async (scenario: string) =>
  (await ledger(scenario)).filter((m) => m.status === "sent").map((m) => m.customerId);
const htmlOf = async (messageId: string) => (await db.outboxEmail.findUniqueOrThrow({ where: { messageId } })).html;

afterEach(async () => t?.close());

describe("back_in_stock", () => {
  async function subscribe(who: { id: string }, n: number, when: Date) {
    await db.backInStockSubscription.create({
      data: {
        shopId,
        customerId: who.id,
        productGid: P(n),
        variantGid: V(n),
        source: "back_in_stock_form",
        consentAt: when,
        createdAt: when,
      },
    });
  }
  const restock = (n: number, units: number, when: Date) => product(n, { available: units, at: when });

  test("subscribers first, then recent viewers who did not buy, capped at 5× the units; once per restock", async () => {
    await setup();
    await enable("back_in_stock");
    await product(1, { available: 0, at: days(-20) });
    const subs = [await customer(), await customer()];
    const viewers = [await customer(), await customer(), await customer(), await customer()];
    const buyer = await customer();
    const oldViewer = await customer();
    const unsubscribed = await customer({ consent: "UNSUBSCRIBED" });
    for (const [i, s] of subs.entries()) await subscribe(s, 1, days(-10 + i));
    await subscribe(unsubscribed, 1, days(-9));
    for (const [i, v] of viewers.entries()) await view(v, days(-5 + i * 0.1), 1);
    await view(buyer, days(-6), 1);
    await order(buyer, days(-4), [1]);
    await view(oldViewer, days(-40), 1);

    await tick(days(0));
    expect(await ledger("back_in_stock")).toHaveLength(0);

    // one unit back: at most 5 recipients — 3 subscribers, then the 2 most recent viewers
    await restock(1, 1, days(1));
    await tick(new Date(days(1).getTime() + MIN));
    const rows = await ledger("back_in_stock");
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.customerId))).toEqual(
      new Set([subs[0]!.id, subs[1]!.id, unsubscribed.id, viewers[3]!.id, viewers[2]!.id]),
    );
    expect(rows.every((r) => r.triggerKey === rows[0]!.triggerKey && r.triggerKey.startsWith("restock:"))).toBe(true);
    expect((await sentTo("back_in_stock")).sort()).toEqual(
      [subs[0]!.id, subs[1]!.id, viewers[3]!.id, viewers[2]!.id].sort(),
    );
    expect(rows.find((r) => r.customerId === unsubscribed.id)?.status).toBe("skipped");
    const html = await htmlOf(rows.find((r) => r.customerId === subs[0]!.id)!.id);
    expect(html).toContain("Tea 1");
    expect(html).toContain("再入荷");

    await tick(new Date(days(1).getTime() + 5 * MIN));
    expect(await db.outboxEmail.count()).toBe(4);

    // sold out, then a second restock: the same subscriber hears again, once
    await restock(1, 0, days(2));
    await restock(1, 3, days(3));
    await tick(new Date(days(3).getTime() + MIN));
    const second = (await ledger("back_in_stock")).filter((r) => r.triggerKey !== rows[0]!.triggerKey);
    expect(second.filter((r) => r.customerId === subs[0]!.id)).toHaveLength(1);
    expect(second.find((r) => r.customerId === subs[0]!.id)?.status).toBe("sent");
  });

  test("re-checked right before sending: sold out again stops every row; fewer units shrink the cap", async () => {
    await setup();
    await enable("back_in_stock");
    await product(2, { available: 0, at: days(-20) });
    const subs: Awaited<ReturnType<typeof customer>>[] = [];
    for (let i = 0; i < 6; i++) subs.push(await customer());
    for (const [i, s] of subs.entries()) await subscribe(s, 2, days(-10 + i * 0.1));
    // quiet hours hold the rows: plan at the restock, send later
    await assignShopSettings(db, shopId, ["quietHours=21-8"]);
    const restockAt = new Date("2026-11-03T13:00:00Z"); // 22:00 Tokyo
    await restock(2, 2, restockAt);
    await tick(new Date(restockAt.getTime() + MIN));
    expect((await ledger("back_in_stock")).map((r) => r.status)).toEqual(Array(6).fill("deferred"));

    // one unit left by morning: only 5 may go, subscribers in signup order
    await product(2, { available: 1, at: new Date(restockAt.getTime() + 60 * MIN) });
    await tick(new Date("2026-11-03T23:30:00Z")); // 08:30 Tokyo
    const rows = await ledger("back_in_stock");
    expect((await sentTo("back_in_stock")).sort()).toEqual(
      subs
        .slice(0, 5)
        .map((s) => s.id)
        .sort(),
    );
    expect(rows.find((r) => r.customerId === subs[5]!.id)).toMatchObject({
      status: "skipped",
      reason: expect.stringContaining("recipient cap reached"),
    });

    // another restock that sells out before the morning: nobody is told
    await product(2, { available: 0, at: new Date("2026-11-04T01:00:00Z") });
    const again = new Date("2026-11-04T13:00:00Z");
    await restock(2, 4, again);
    await tick(new Date(again.getTime() + MIN));
    await product(2, { available: 0, at: new Date(again.getTime() + 30 * MIN) });
    await tick(new Date("2026-11-04T23:30:00Z"));
    const late = (await ledger("back_in_stock")).filter((r) => r.dueAt.getTime() === again.getTime());
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((r) => r.status === "skipped" && r.reason === "sold out again before sending")).toBe(true);
  });
});

describe("recommendations", () => {
  /** A store where tea 1 and tea 2 go together, tea 3 and 4 go together, and tea 9 sells most. */
  async function store() {
    for (let n = 1; n <= 9; n++) await product(n);
    const crowd = [];
    for (let i = 0; i < 8; i++) crowd.push(await customer({ consent: "NOT_SUBSCRIBED" }));
    for (const [i, c] of crowd.entries()) {
      await order(c, days(-30 + i), i < 4 ? [1, 2] : [3, 4]);
      await order(c, days(-20 + i), [9]);
    }
    const extra = await customer({ consent: "NOT_SUBSCRIBED" });
    await order(extra, days(-10), [9]);
  }

  test("neighbours of what the customer bought, minus what they own, sold-out, unpublished and recently emailed products; bestsellers fill up", async () => {
    await setup();
    await store();
    await product(5, { tags: "consumable" });
    const me = await customer();
    await order(me, days(-3), [1, 5]);
    await recomputeRecommendationModel(db, shopId, T0);

    const ids = (await recommendProductGids(db, shopId, [me.id], { limit: 4, now: T0 })).get(me.id)!;
    expect(ids[0]).toBe(P(2)); // tea 1's neighbour ranks first
    expect(ids).not.toContain(P(1)); // bought, not a consumable
    expect(ids).toContain(P(9)); // bestseller fallback
    expect(ids).toContain(P(5)); // bought, but a consumable: may be bought again

    await product(2, { available: 0, at: days(-1) });
    await product(9, { status: "draft", at: days(-1) });
    const after = (await recommendProductGids(db, shopId, [me.id], { limit: 4, now: T0 })).get(me.id)!;
    expect(after).not.toContain(P(2));
    expect(after).not.toContain(P(9));

    // products emailed in the last 14 days are not shown again
    const message = await db.message.create({
      data: {
        shopId,
        scenario: "recommendations",
        customerId: me.id,
        triggerKey: "digest:x",
        dueAt: days(-2),
        status: "sent",
        sentAt: days(-2),
      },
    });
    await db.recommendationShown.create({
      data: { shopId, messageId: message.id, customerId: me.id, productGid: after[0]!, shownAt: days(-2) },
    });
    const later = (await recommendProductGids(db, shopId, [me.id], { limit: 4, now: T0 })).get(me.id)!;
    expect(later).not.toContain(after[0]);

    // the email-ready form: titles, prices and product links
    const products = (
      await loadRecommendations(db, shopId, [me.id], {
        limit: 2,
        storefrontUrl: "https://scenarios-b.myshopify.com",
        now: T0,
      })
    ).get(me.id)!;
    expect(products).toHaveLength(2);
    expect(products[0]!.url).toMatch(/^https:\/\/scenarios-b\.myshopify\.com\/products\/tea-\d$/);
  });

  test("the weekly digest goes out on Monday at the hour, once, only to subscribed customers, and not after a recent Joren email", async () => {
    await setup();
    await store();
    await recomputeRecommendationModel(db, shopId, T0);
    await enable("recommendations", ["cadence=weekly", "postVisitDays=0"]);
    const fan = await customer();
    await order(fan, days(-5), [3]);
    const recent = await customer();
    await db.message.create({
      data: {
        shopId,
        scenario: "welcome",
        customerId: recent.id,
        triggerKey: "welcome:1",
        dueAt: days(-1),
        status: "sent",
        sentAt: days(-1),
      },
    });
    const nope = await customer({ consent: "NOT_SUBSCRIBED" });

    const monday = digestSlot(T0, "Asia/Tokyo", "weekly", 10);
    expect(monday.at.toISOString()).toBe("2026-11-02T01:00:00.000Z");
    await tick(at(-1));
    expect(await ledger("recommendations")).toHaveLength(0);
    // due times are spread over the hour after the slot, stably per customer
    await tick(at(0));
    const planned = await ledger("recommendations");
    expect(planned.length).toBeGreaterThan(0);
    expect(planned.every((r) => r.dueAt >= monday.at && r.dueAt.getTime() < monday.at.getTime() + 60 * MIN)).toBe(true);
    await tick(at(60));
    expect(await sentTo("recommendations")).toEqual([fan.id]);
    expect((await ledger("recommendations")).find((r) => r.customerId === recent.id)).toMatchObject({
      status: "skipped",
      reason: expect.stringContaining("Joren email in the last 3 days"),
    });
    expect((await ledger("recommendations")).some((r) => r.customerId === nope.id)).toBe(false);
    const [sent] = (await ledger("recommendations")).filter((r) => r.status === "sent");
    const html = await htmlOf(sent!.id);
    expect(html).toContain("Tea 4"); // tea 3's neighbour
    expect(html).not.toContain("Tea 3"); // already bought
    expect(await db.recommendationShown.count({ where: { messageId: sent!.id } })).toBeGreaterThanOrEqual(2);

    await tick(at(90));
    await tick(days(1));
    expect(await db.outboxEmail.count()).toBe(1);
  });

  test("post-visit: N days after a visit without an order, at the hour; an order since exits; too few good products skip", async () => {
    await setup();
    await store();
    await recomputeRecommendationModel(db, shopId, T0);
    await enable("recommendations", ["cadence=monthly", "postVisitDays=3", "minRecommendations=2"]);
    const browser = await customer();
    const buyer = await customer();
    await view(browser, at(-60 * 20), 1); // Sunday 15:00 Tokyo
    await view(buyer, at(-60 * 20), 3);
    await order(buyer, at(60), [4]);

    // the visit was on Sunday (Tokyo): due on Wednesday at 10:00, i.e. days(2)
    await tick(new Date(days(2).getTime() - MIN));
    expect(await ledger("recommendations")).toHaveLength(0);
    await tick(days(2));
    const rows = await ledger("recommendations");
    expect(rows.find((r) => r.customerId === browser.id)?.status).toBe("sent");
    expect(rows.find((r) => r.customerId === buyer.id)).toMatchObject({
      status: "skipped",
      reason: "ordered since the visit",
    });
    const html = await htmlOf(rows.find((r) => r.customerId === browser.id)!.id);
    expect(html).toContain("Tea 2"); // similar to the viewed tea 1
    expect(html).not.toContain("Tea 1<"); // never the viewed product itself

    // a shop with nothing to recommend: fewer than 2 good products → skipped
    const lonely = await customer();
    await db.product.updateMany({ where: { shopId }, data: { status: "draft" } });
    await view(lonely, days(3), 1);
    await tick(days(7));
    expect((await ledger("recommendations")).find((r) => r.customerId === lonely.id)).toMatchObject({
      status: "skipped",
      reason: "fewer than 2 good recommendations",
    });
  });
});

describe("second_purchase", () => {
  test("at the fallback gap after the first order, with what first-time buyers bought next; a second order exits; consent required", async () => {
    await setup();
    for (let n = 1; n <= 6; n++) await product(n);
    // history: first-time buyers of tea 1 went on to buy tea 6
    for (let i = 0; i < 4; i++) {
      const c = await customer({ consent: "NOT_SUBSCRIBED" });
      await order(c, days(-200 + i), [1]);
      await order(c, days(-180 + i), [6]);
    }
    const newbie = await customer();
    const quick = await customer();
    const silent = await customer({ consent: "NOT_SUBSCRIBED" });
    for (const c of [newbie, quick, silent]) await order(c, at(0), [1]);
    await recomputeRecommendationModel(db, shopId, at(1));
    await enable("second_purchase");

    await tick(days(13));
    expect(await ledger("second_purchase")).toHaveLength(0);
    await order(quick, days(10), [2]);
    await tick(new Date(days(14).getTime() + MIN));
    const rows = await ledger("second_purchase");
    expect(rows.map((r) => r.customerId).sort()).toEqual([newbie.id, silent.id].sort()); // quick has two orders: never planned
    expect(rows.find((r) => r.customerId === newbie.id)).toMatchObject({ status: "sent" });
    expect(rows.find((r) => r.customerId === silent.id)?.status).toBe("skipped");
    expect(JSON.parse(rows[0]!.data)).toMatchObject({ delayDays: 14, delaySource: "fallback" });
    const html = await htmlOf(rows.find((r) => r.customerId === newbie.id)!.id);
    expect(html).toContain("Tea 6");
    expect(html).not.toContain("Tea 1<");
    expect(rows.every((r) => r.couponCode === null)).toBe(true);
    await tick(days(16));
    expect(await db.outboxEmail.count()).toBe(1);
  });

  test("uses the shop's median 1st→2nd gap once there are enough second orders; exits when the second order comes first", async () => {
    await setup();
    for (let n = 1; n <= 3; n++) await product(n);
    for (let i = 0; i < 20; i++) {
      const c = await customer({ consent: "NOT_SUBSCRIBED" });
      await order(c, days(-300 + i), [1]);
      await order(c, days(-300 + i + 30), [2]);
    }
    const a = await customer();
    const b = await customer();
    await order(a, at(0), [1]);
    await order(b, at(0), [1]);
    await recomputeRecommendationModel(db, shopId, at(1));
    expect((await db.recommendationModel.findUniqueOrThrow({ where: { shopId } })).medianSecondOrderDays).toBe(30);
    await enable("second_purchase");
    await tick(days(20));
    expect(await ledger("second_purchase")).toHaveLength(0);
    // b orders again after the row was planned but before it is sent
    await tick(new Date(days(30).getTime() - MIN));
    await assignShopSettings(db, shopId, ["quietHours=0-23"]);
    await tick(new Date(days(30).getTime() + MIN));
    expect((await ledger("second_purchase")).map((r) => r.status)).toEqual(["deferred", "deferred"]);
    await order(b, days(31), [3]);
    await assignShopSettings(db, shopId, ["quietHours=off"]);
    await tick(days(32));
    const rows = await ledger("second_purchase");
    expect(rows.find((r) => r.customerId === a.id)?.status).toBe("sent");
    expect(rows.find((r) => r.customerId === b.id)).toMatchObject({ status: "skipped", reason: "second order placed" });
  });
});

describe("replenishment", () => {
  test("a few days before the customer's expected reorder of a product others re-buy; never for products nobody re-buys; reorder exits", async () => {
    await setup();
    await product(1, { title: "Sencha refill" });
    await product(2, { title: "Teapot" });
    // three customers re-buy the refill every 30 days; the teapot is bought once each
    for (let i = 0; i < 3; i++) {
      const c = await customer({ consent: "NOT_SUBSCRIBED" });
      for (let k = 0; k < 3; k++) await order(c, days(-200 + i + k * 30), [1, 2].slice(0, k === 0 ? 2 : 1));
    }
    const me = await customer();
    const other = await customer();
    await order(me, at(0), [1, 2]);
    await order(other, at(0), [1]);
    await recomputeRecommendationModel(db, shopId, at(1));
    expect(
      await db.productReorderStat.findUnique({ where: { shopId_productGid: { shopId, productGid: P(1) } } }),
    ).toMatchObject({ reorderCustomers: 3, medianIntervalDays: 30 });
    await enable("replenishment", ["daysBefore=3"]);

    await tick(days(26));
    expect(await ledger("replenishment")).toHaveLength(0);
    await order(other, days(26.5), [1]);
    await tick(new Date(days(27).getTime() + MIN));
    const rows = await ledger("replenishment");
    expect(rows).toHaveLength(1); // other's reorder restarted their clock; the teapot never qualifies
    expect(rows[0]).toMatchObject({ customerId: me.id, status: "sent" });
    expect(rows[0]!.triggerKey).toContain(P(1));
    const html = await htmlOf(rows[0]!.id);
    expect(html).toContain("Sencha refill");
    expect(html).not.toContain("Teapot");
    await tick(days(29));
    expect(await db.outboxEmail.count()).toBe(1);
  });

  test("a reorder between planning and sending exits; no consent, no email", async () => {
    await setup();
    await product(1, { title: "Sencha refill" });
    for (let i = 0; i < 3; i++) {
      const c = await customer({ consent: "NOT_SUBSCRIBED" });
      for (let k = 0; k < 2; k++) await order(c, days(-100 + i + k * 20), [1]);
    }
    const me = await customer();
    const silent = await customer({ consent: "UNSUBSCRIBED" });
    await order(me, at(0), [1]);
    await order(silent, at(0), [1]);
    await recomputeRecommendationModel(db, shopId, at(1));
    await enable("replenishment", ["daysBefore=3"]);
    await assignShopSettings(db, shopId, ["quietHours=0-23"]);
    await tick(new Date(days(17).getTime() + MIN));
    expect((await ledger("replenishment")).find((r) => r.customerId === me.id)?.status).toBe("deferred");
    await order(me, days(17.5), [1]);
    await assignShopSettings(db, shopId, ["quietHours=off"]);
    await tick(days(18));
    const rows = await ledger("replenishment");
    expect(rows.find((r) => r.customerId === me.id)).toMatchObject({ status: "skipped", reason: "reordered" });
    expect(rows.find((r) => r.customerId === silent.id)?.status).toBe("skipped");
    expect(await db.outboxEmail.count()).toBe(0);
  });
});
