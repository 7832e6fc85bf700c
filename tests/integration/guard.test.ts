// The discount guard end to end: a repeat customer cannot receive or redeem a first-purchase
// offer by any path Joren controls — email (the engine, re-checked at send time), codes (unique,
// bound, single-use, the same on retry), a customer who became repeat between planning and
// sending, a guest whose email matches a repeat customer, the checkout Function's configuration —
// and the counters that show it. (The Function and the storefront Liquid have their own tests:
// extensions/joren-first-purchase-discount/src/*.test.ts, tests/unit/theme/.)
import type { Db } from "~/db.server";
import { cartLinesDiscountsGenerateRun } from "../../extensions/joren-first-purchase-discount/src/cart_lines_discounts_generate_run";
import { runGuard } from "~/cli/commands/guard";
import { recordCheckout } from "~/modules/mirror/checkouts/record-checkout.server";
import { recordOrder } from "~/modules/mirror/orders/record-order.server";
import { upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import { runTick, type EngineDeps } from "~/modules/engine/tick.server";
import {
  activateCheckoutDiscount,
  checkoutDiscountStatus,
  FIRST_PURCHASE_CONFIG_METAFIELD,
  firstPurchaseFunctionConfig,
} from "~/modules/admin/guard/checkout-discount.server";
import { guardCounters } from "~/modules/mirror/guard/guard-counters.server";
import { LOYALTY_BONUS_POINTS, OFFER_WITHHELD } from "~/modules/mirror/guard/offer-policy";
import { pointsBalance } from "~/modules/mirror/points/points-ledger.server";
import type { NormalizedCheckout, NormalizedCustomer, NormalizedOrder } from "~/modules/mirror/types";
import { createOutboxTransport } from "~/modules/delivery/mail/outbox-transport";
import { createPrismaOutboxStore } from "~/modules/delivery/mail/prisma-outbox-store.server";
import { parseShopSettings } from "~/modules/platform/settings/shop-settings";
import { AdminApiError } from "~/modules/platform/shopify/admin-port";
import { createFakeAdminPort, type FakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { onboardShop } from "~/modules/admin/shops/onboard-shop.server";
import { assignShopSettings } from "~/modules/platform/settings/shop-settings.server";
import type { ScenarioKey } from "~/modules/engine/scenarios/scenario-settings";
import { enableScenario, registerSendingShop } from "../helpers/sending-shop";
import { createTestDb, type TestDb } from "../helpers/db";
import { CurrencyCode, DiscountClass, LanguageCode } from "../../extensions/joren-first-purchase-discount/src/types";

const DOMAIN = "guard-test.myshopify.com";
const T0 = new Date("2026-11-02T01:00:00Z"); // 10:00 in Tokyo
const MIN = 60_000;
const DAY = 24 * 60;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
const FIRST_PURCHASE_10 = ["incentive.audience=first_purchase", "incentive.kind=percent", "incentive.value=10"];

let t: TestDb;
let db: Db;
let shopId: string;
let admin: FakeAdminPort;
let deps: EngineDeps;
let serial = 0;

async function setup(assignments: string[] = []) {
  t = await createTestDb();
  db = t.db;
  shopId = await registerSendingShop(db, DOMAIN, ["holdoutPercent=0", "quietHours=off", ...assignments]);
  admin = createFakeAdminPort({});
  deps = {
    transport: createOutboxTransport(createPrismaOutboxStore(db, shopId)),
    admin,
    appUrl: "https://joren.test",
    mailSecret: "s".repeat(40),
  };
}

const enable = (key: ScenarioKey, assignments: string[] = []) => enableScenario(db, shopId, key, assignments);

async function customer(options: { email?: string; createdAt?: Date } = {}) {
  serial++;
  const c: NormalizedCustomer = {
    // ids above 2^53, built as text (as Shopify's are): number arithmetic would collide
    gid: `gid://shopify/Customer/90071992547${String(10_000 + serial)}`,
    email: options.email ?? `guard${serial}@example.jp`,
    firstName: "花子",
    lastName: "山田",
    phone: null,
    locale: "ja",
    state: "enabled",
    tags: null,
    consent: { state: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", updatedAt: at(-DAY) },
    birthDate: null,
    createdAt: options.createdAt ?? at(-30 * DAY),
    updatedAt: options.createdAt ?? at(-30 * DAY),
  };
  const { id } = await upsertCustomer(db, { shopId, now: T0 }, c);
  return { id, ...c };
}

async function checkout(owner: { gid: string | null; email: string | null }, minutes: number) {
  const token = `guard-tok-${++serial}`;
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
    abandonedCheckoutUrl: `https://${DOMAIN}/checkouts/${token}/recover`,
    buyerAcceptsMarketing: owner.gid === null,
    lines: [],
    completedAt: null,
    createdAt: at(minutes),
    updatedAt: at(minutes),
  };
  await recordCheckout(db, { shopId, now: at(minutes) }, c);
  return token;
}

async function order(
  owner: { gid: string | null; email: string | null },
  createdMinutes: number,
  options: { receivedMinutes?: number; codes?: string[]; cancelled?: boolean; test?: boolean } = {},
) {
  const o: NormalizedOrder = {
    gid: `gid://shopify/Order/90071992547${String(60_000 + ++serial)}`,
    name: `#${2000 + serial}`,
    customer: null,
    customerGid: owner.gid,
    email: owner.email,
    currency: "JPY",
    totalPrice: 3_240_000n,
    subtotalPrice: 3_240_000n,
    totalDiscounts: 0n,
    financialStatus: "paid",
    fulfillmentStatus: null,
    cancelledAt: options.cancelled ? at(createdMinutes + 5) : null,
    cancelReason: options.cancelled ? "customer" : null,
    paidAt: at(createdMinutes),
    discountCodes: options.codes ?? [],
    checkoutToken: null,
    cartToken: null,
    sourceName: "web",
    customerLocale: "ja",
    test: options.test ?? false,
    buyerAcceptsMarketing: null,
    createdAt: at(createdMinutes),
    updatedAt: at(createdMinutes),
    lines: [],
    refunds: [],
  };
  await recordOrder(db, { shopId, now: at(options.receivedMinutes ?? createdMinutes) }, o);
  return o;
}

const ledger = (scenario?: string) =>
  db.message.findMany({ where: { shopId, ...(scenario ? { scenario } : {}) }, orderBy: { createdAt: "asc" } });
const tick = (minutes: number) => runTick(db, shopId, at(minutes), deps);
const storedIncentive = (row: { incentive: string | null }) =>
  row.incentive ? (JSON.parse(row.incentive) as Record<string, unknown>) : null;

afterEach(async () => t?.close());

describe("classification", () => {
  test("the merchant's phase thresholds apply; cancelled orders do not count", async () => {
    await setup(["regularMinOrders=2"]);
    const buyer = await customer();
    await order(buyer, -10 * DAY, { cancelled: true });
    expect(await db.customer.findUniqueOrThrow({ where: { id: buyer.id } })).toMatchObject({
      ordersCount: 0,
      phase: "prospect",
    });
    await order(buyer, -5 * DAY);
    expect((await db.customer.findUniqueOrThrow({ where: { id: buyer.id } })).phase).toBe("new");
    await order(buyer, -1 * DAY);
    // the default would say "repeat" until 5 orders; this shop counts 2 as a regular
    expect(await db.customer.findUniqueOrThrow({ where: { id: buyer.id } })).toMatchObject({
      ordersCount: 2,
      phase: "regular",
    });
  });
});

describe("email: the offer is decided again right before sending", () => {
  test("a customer who became repeat between planning and sending gets the loyalty variant, recorded as withheld", async () => {
    await setup();
    await enable("cart_abandonment", FIRST_PURCHASE_10);
    const buyer = await customer();
    await checkout(buyer, 0);
    await tick(30);
    expect((await ledger()).map((m) => m.status)).toEqual(["planned"]);

    // A delayed orders/create arrives: an order from three days ago. It does not exit the cart
    // reminder (nothing was ordered since the checkout), but the buyer is no longer new.
    await order(buyer, -3 * DAY, { receivedMinutes: 45 });
    await tick(61);

    const [row] = await ledger();
    expect(row!.status).toBe("sent");
    expect(row!.reason).toContain(OFFER_WITHHELD);
    expect(storedIncentive(row!)).toMatchObject({ kind: "coupon", audience: "loyalty", percentOff: 10 });
    expect(admin.discounts).toHaveLength(1);
    expect(admin.discounts[0]).toMatchObject({ code: row!.couponCode, customerGid: buyer.gid });
    // nothing in the ledger offers this customer a first-purchase code
    expect(await db.message.count({ where: { shopId, incentive: { contains: '"audience":"first_purchase"' } } })).toBe(
      0,
    );
    expect(await guardCounters(db, shopId, { from: at(0), to: at(2 * DAY) })).toEqual({
      offersWithheld: 1,
      loyaltyVariantsSent: 1,
      firstPurchaseRedemptionsByRepeat: 0,
    });
  });

  test("with the 'none' variant the email goes without any code; the welcome email is not sent at all after an order", async () => {
    await setup(["loyaltyVariant=none"]);
    await enable("cart_abandonment", FIRST_PURCHASE_10);
    await enable("welcome");
    const buyer = await customer({ createdAt: at(0) });
    await checkout(buyer, 0);
    await tick(5);
    expect((await ledger("welcome")).map((m) => m.status)).toEqual(["planned"]);
    await order(buyer, -2 * DAY, { receivedMinutes: 8 });
    await tick(61);
    const [welcome] = await ledger("welcome");
    expect(welcome!.status).toBe("skipped");
    expect(welcome!.reason).toMatch(/ordered/);
    const [cart] = await ledger("cart_abandonment");
    expect(cart!.status).toBe("sent");
    expect(cart!.couponCode).toBeNull();
    expect(cart!.reason).toContain(OFFER_WITHHELD);
    expect(admin.discounts).toHaveLength(0);
    expect(await guardCounters(db, shopId, { from: at(0), to: at(DAY) })).toEqual({
      offersWithheld: 1,
      loyaltyVariantsSent: 0,
      firstPurchaseRedemptionsByRepeat: 0,
    });
  });

  test("with the 'bonus_points' variant the repeat customer gets points credited once, and no code", async () => {
    await setup(["loyaltyVariant=bonus_points"]);
    await enable("cart_abandonment", FIRST_PURCHASE_10);
    const buyer = await customer();
    await order(buyer, -3 * DAY);
    const before = (await pointsBalance(db, shopId, [buyer.id], at(0))).get(buyer.id)?.balance ?? 0;
    await checkout(buyer, 0);
    await tick(61);
    await tick(62); // a second tick (a retry, another instance) credits nothing more
    const [row] = await ledger();
    expect(row!.status).toBe("sent");
    expect(row!.reason).toContain(OFFER_WITHHELD);
    expect(row!.couponCode).toBeNull();
    expect(storedIncentive(row!)).toMatchObject({ kind: "points", points: LOYALTY_BONUS_POINTS });
    expect(admin.discounts).toHaveLength(0);
    expect((await pointsBalance(db, shopId, [buyer.id], at(62))).get(buyer.id)?.balance).toBe(
      before + LOYALTY_BONUS_POINTS,
    );
  });

  test("a prospect still gets the first-purchase code, recorded as a first-purchase offer", async () => {
    await setup();
    await enable("cart_abandonment", FIRST_PURCHASE_10);
    const prospect = await customer();
    await checkout(prospect, 0);
    await tick(61);
    const [row] = await ledger();
    expect(row!.status).toBe("sent");
    expect(row!.reason ?? "").not.toContain(OFFER_WITHHELD);
    expect(storedIncentive(row!)).toMatchObject({ audience: "first_purchase", percentOff: 10 });
  });
});

describe("a guest whose email matches a repeat customer", () => {
  test("a guest checkout with the repeat customer's email (any case, spaces) is joined to them and the offer is withheld", async () => {
    await setup();
    await enable("cart_abandonment", FIRST_PURCHASE_10);
    const regular = await customer({ email: "tanaka@example.jp" });
    await order(regular, -20 * DAY);
    await order(regular, -10 * DAY);
    await checkout({ gid: null, email: "  Tanaka@Example.JP " }, 0);
    await tick(61);
    const [row] = await ledger();
    expect(row!.customerId).toBe(regular.id);
    expect(row!.reason).toContain(OFFER_WITHHELD);
    expect(storedIncentive(row!)).toMatchObject({ audience: "loyalty" });
  });

  test("a guest row split from the account (the account took the guest's email later) is still recognised by email", async () => {
    await setup(["loyaltyVariant=none"]);
    await enable("cart_abandonment", FIRST_PURCHASE_10);
    // the guest leaves a checkout first: Joren knows them only as a guest row
    await checkout({ gid: null, email: "kei@example.jp" }, 0);
    await tick(30);
    const [planned] = await ledger();
    const guestRow = await db.customer.findUniqueOrThrow({ where: { id: planned!.customerId } });
    expect(guestRow.gid).toBeNull();
    // an existing customer with orders changes their account email to the guest's address
    const regular = await customer({ email: "kei-old@example.jp" });
    await order(regular, -40 * DAY);
    await upsertCustomer(db, { shopId, now: at(40) }, { ...regular, email: "kei@example.jp", updatedAt: at(40) });
    expect((await db.customer.findUniqueOrThrow({ where: { id: guestRow.id } })).ordersCount).toBe(0);

    await tick(61);
    const [row] = await ledger();
    expect(row!.customerId).toBe(guestRow.id);
    expect(row!.status).toBe("sent");
    expect(row!.reason).toContain(OFFER_WITHHELD);
  });
});

describe("codes: unique per recipient, bound to them, the same on retry", () => {
  test("two prospects get two different codes, each bound to its own customer account only", async () => {
    await setup();
    await enable("cart_abandonment", FIRST_PURCHASE_10);
    const a = await customer();
    const b = await customer();
    await checkout(a, 0);
    await checkout(b, 0);
    await tick(61);
    expect(admin.discounts).toHaveLength(2);
    expect(new Set(admin.discounts.map((d) => d.code)).size).toBe(2);
    expect(admin.discounts.map((d) => d.customerGid).sort()).toEqual([a.gid, b.gid].sort());
    for (const d of admin.discounts) expect(d.endsAt.getTime() - d.startsAt.getTime()).toBe(14 * 86_400_000);
  });

  test("the expiry follows the scenario's setting", async () => {
    await setup();
    await enable("cart_abandonment", [...FIRST_PURCHASE_10, "incentive.expiresDays=3"]);
    await checkout(await customer(), 0);
    await tick(61);
    expect(admin.discounts[0]!.endsAt.getTime() - admin.discounts[0]!.startsAt.getTime()).toBe(3 * 86_400_000);
  });

  test("a failed code creation defers the email; the retry uses the same code, and Shopify saying 'taken' counts as created", async () => {
    await setup();
    await enable("cart_abandonment", FIRST_PURCHASE_10);
    const buyer = await customer();
    await checkout(buyer, 0);
    admin.failNext("createCustomerDiscountCode");
    await tick(61);
    const [deferred] = await ledger();
    expect(deferred!.status).toBe("deferred");
    const code = deferred!.couponCode;
    expect(code).toMatch(/^JOREN-/);

    // the code was in fact created before the answer was lost; the retry is told it is taken
    await admin.createCustomerDiscountCode({
      code: code!,
      title: "x",
      customerGid: buyer.gid,
      percentage: 10,
      startsAt: at(61),
      endsAt: at(61 + 14 * DAY),
    });
    await tick(61 + 16);
    const [sent] = await ledger();
    expect(sent!.status).toBe("sent");
    expect(sent!.couponCode).toBe(code);
    expect(admin.discounts.filter((d) => d.code === code)).toHaveLength(1);
    expect(
      admin.calls
        .filter((c) => c.op === "createCustomerDiscountCode")
        .map((c) => (c as { input: { code: string } }).input.code),
    ).toEqual([code, code, code]);
  });

  test("a guest (no customer account) never gets a code, because it could not be bound to them", async () => {
    await setup();
    await enable("cart_abandonment", FIRST_PURCHASE_10);
    await checkout({ gid: null, email: "guest-only@example.jp" }, 0);
    await tick(61);
    const [row] = await ledger();
    expect(row!.status).toBe("sent");
    expect(row!.couponCode).toBeNull();
    expect(row!.reason).toMatch(/no coupon/);
    expect(admin.discounts).toHaveLength(0);
  });
});

describe("counters", () => {
  test("redemptions of first-purchase codes by people who had ordered before, by account or by email", async () => {
    await setup(["firstPurchaseCodes=WELCOME10"]);
    const mk = (data: {
      couponCode: string;
      audience: string;
      customerId: string;
      reason?: string | null;
      status?: string;
      sentAt?: Date | null;
    }) =>
      db.message.create({
        data: {
          shopId,
          scenario: "welcome",
          customerId: data.customerId,
          triggerKey: `k-${++serial}`,
          status: data.status ?? "sent",
          dueAt: at(0),
          sentAt: data.sentAt === undefined ? at(0) : data.sentAt,
          couponCode: data.couponCode,
          reason: data.reason ?? null,
          incentive: JSON.stringify({ kind: "coupon", code: data.couponCode, percentOff: 10, audience: data.audience }),
        },
      });
    const newbie = await customer();
    const regular = await customer();
    const cancelledOnly = await customer();
    await mk({ couponCode: "JOREN-AAAAAAAAAA", audience: "first_purchase", customerId: newbie.id });
    await mk({ couponCode: "JOREN-BBBBBBBBBB", audience: "first_purchase", customerId: regular.id });
    await mk({ couponCode: "JOREN-CCCCCCCCCC", audience: "loyalty", customerId: regular.id, reason: OFFER_WITHHELD });
    await mk({
      couponCode: "JOREN-DDDDDDDDDD",
      audience: "loyalty",
      customerId: regular.id,
      reason: `held out; ${OFFER_WITHHELD}`,
      status: "held_out",
      sentAt: null,
    });
    await mk({
      couponCode: "JOREN-EEEEEEEEEE",
      audience: "loyalty",
      customerId: regular.id,
      reason: OFFER_WITHHELD,
      sentAt: at(-10 * DAY),
    });

    await order(newbie, 60, { codes: ["JOREN-AAAAAAAAAA"] }); // a new customer's first order: fine
    await order(regular, -30 * DAY);
    await order(regular, 60, { codes: ["joren-bbbbbbbbbb"] }); // a regular with a first-purchase code: counted
    await order(regular, 70, { codes: ["JOREN-CCCCCCCCCC"] }); // a loyalty code: fine
    await order(regular, 80, { codes: ["welcome10"] }); // the merchant's first-purchase code: counted
    await order({ gid: null, email: regular.email }, 90, { codes: ["WELCOME10"] }); // as a guest, same email: counted
    await order(regular, 95, { codes: ["WELCOME10"], test: true }); // a test order: not counted
    await order(cancelledOnly, -5 * DAY, { cancelled: true }); // a cancelled order does not make a repeat customer
    await order(cancelledOnly, 100, { codes: ["WELCOME10"] });
    await order(regular, 3 * DAY, { codes: ["WELCOME10"] }); // outside the range

    expect(await guardCounters(db, shopId, { from: at(-DAY), to: at(DAY) })).toEqual({
      offersWithheld: 1,
      loyaltyVariantsSent: 1,
      firstPurchaseRedemptionsByRepeat: 3,
    });
    expect(await guardCounters(db, shopId, { from: at(-11 * DAY), to: at(4 * DAY) })).toEqual({
      offersWithheld: 2,
      loyaltyVariantsSent: 2,
      firstPurchaseRedemptionsByRepeat: 4,
    });
  });

  test("the guard CLI prints the counters for shop-local days and refuses a bad date", async () => {
    await setup();
    const result = await runGuard(db, DOMAIN, { from: "2026-11-01", to: "2026-11-02", now: at(0) });
    expect(result).toEqual({
      ok: true,
      output: {
        shop: DOMAIN,
        fromDate: "2026-11-01",
        toDate: "2026-11-02",
        timezone: "Asia/Tokyo",
        offersWithheld: 0,
        loyaltyVariantsSent: 0,
        firstPurchaseRedemptionsByRepeat: 0,
      },
      notes: [],
    });
    const bad = await runGuard(db, DOMAIN, { from: "2026-13-01" });
    expect(bad.ok).toBe(false);
    expect(bad.ok === false && bad.message).toMatch(/YYYY-MM-DD/);
  });
});

describe("checkout: the Function and its activation", () => {
  test("the configuration Joren writes grants the discount to a logged-in new customer only", async () => {
    await setup(["checkoutDiscountKind=amount", "checkoutDiscountValue=500"]);
    const settings = parseShopSettings((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).settings);
    const config = firstPurchaseFunctionConfig(settings, "JPY");
    const run = (customer: { id: string; numberOfOrders: number } | null) =>
      cartLinesDiscountsGenerateRun({
        cart: { buyerIdentity: { customer }, cost: { subtotalAmount: { currencyCode: CurrencyCode.Jpy } } },
        discount: {
          discountClasses: [DiscountClass.Order],
          metafield: { jsonValue: JSON.parse(JSON.stringify(config)) },
        },
        localization: { language: { isoCode: LanguageCode.Ja } },
      }).operations;
    expect(
      run({ id: "gid://shopify/Customer/1", numberOfOrders: 0 })[0]?.orderDiscountsAdd?.candidates[0],
    ).toMatchObject({
      value: { fixedAmount: { amount: "500" } },
      message: "初回購入￥500オフ",
    });
    expect(run({ id: "gid://shopify/Customer/2", numberOfOrders: 1 })).toEqual([]);
    expect(run(null)).toEqual([]);
  });

  test("onboarding activates the discount once, even when two run at the same time", async () => {
    await setup();
    const onboard = () =>
      onboardShop({ db, domain: DOMAIN, appUrl: "https://joren.test", admin, runImport: false, now: at(0) });
    const [first, second] = await Promise.all([onboard(), onboard()]);
    const third = await onboard();
    expect(admin.automaticDiscounts).toHaveLength(1);
    const [discount] = admin.automaticDiscounts;
    expect(discount!.input).toMatchObject({
      discountClasses: ["ORDER"],
      configuration: { ...FIRST_PURCHASE_CONFIG_METAFIELD, value: { kind: "percent", value: 10 } },
    });
    expect(third.checkoutDiscount).toEqual({ functionFound: true, discountId: discount!.discountId, active: true });
    expect([first.checkoutDiscount?.discountId, second.checkoutDiscount?.discountId]).toContain(discount!.discountId);
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).guardDiscountId).toBe(discount!.discountId);
  });

  test("a settings change reaches the Function's configuration on the next activation", async () => {
    await setup();
    await activateCheckoutDiscount({ db, shopId, admin, now: at(0) });
    await assignShopSettings(db, shopId, ["checkoutDiscountValue=20"]);
    await activateCheckoutDiscount({ db, shopId, admin, now: at(10) });
    expect(admin.automaticDiscounts).toHaveLength(1);
    expect(admin.automaticDiscounts[0]!.input.configuration.value).toMatchObject({ kind: "percent", value: 20 });
  });

  test("status: no Function deployed, a discount the merchant deleted, and re-creating it on request", async () => {
    await setup();
    const bare = createFakeAdminPort({ functions: [] });
    expect(await activateCheckoutDiscount({ db, shopId, admin: bare, now: at(0) })).toEqual({
      functionFound: false,
      discountId: null,
      active: false,
    });
    expect(bare.automaticDiscounts).toHaveLength(0);

    const created = await activateCheckoutDiscount({ db, shopId, admin, now: at(0) });
    admin.deleteAutomaticDiscount(created.discountId!);
    expect(await checkoutDiscountStatus({ db, shopId, admin })).toEqual({
      functionFound: true,
      discountId: created.discountId,
      active: false,
    });
    // onboarding again respects the deletion …
    expect(await activateCheckoutDiscount({ db, shopId, admin, now: at(5) })).toMatchObject({ active: false });
    expect(admin.automaticDiscounts).toHaveLength(0);
    // … the merchant's explicit request brings it back
    const again = await activateCheckoutDiscount({ db, shopId, admin, now: at(6), recreateIfMissing: true });
    expect(again.active).toBe(true);
    expect(again.discountId).not.toBe(created.discountId);
    expect(admin.automaticDiscounts).toHaveLength(1);
  });

  test("Shopify refusing the discount does not stop onboarding", async () => {
    await setup();
    admin.failNext(
      "createAutomaticAppDiscount",
      AdminApiError.fromUserErrors("discountAutomaticAppCreate", [{ field: null, message: "nope", code: null }]),
    );
    const result = await onboardShop({
      db,
      domain: DOMAIN,
      appUrl: "https://joren.test",
      admin,
      runImport: false,
      now: at(0),
    });
    expect(result.checkoutDiscount).toBeNull();
    expect(result.webPixelId).toBeTruthy();
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).guardDiscountId).toBeNull();
  });
});
