// The points ledger against the real mirror writes: earning on paid orders, proportional reversal
// on refunds, cancellation, deletion, manual adjustment (module and CLI), FIFO spending and
// expiry, bonus idempotency, merges — and a property test that any permutation and duplication
// of one order's webhooks ends at the same balance as the order's final state implies.
import fc from "fast-check";
import type { Db } from "~/db.server";
import { runPoints } from "~/cli/commands/points";
import { upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import { mergeCustomers } from "~/modules/mirror/customers/merge-customers.server";
import { getTopic, RetryLater } from "~/modules/ingest/topics";
import type { NormalizedCustomer, NormalizedOrder, NormalizedRefund } from "~/modules/mirror/types";
import { recordOrder } from "~/modules/mirror/orders/record-order.server";
import { orderTargetPoints, pointsForAmount } from "~/modules/mirror/points/earn-rule";
import {
  adjustPoints,
  awardBonusPoints,
  expireDuePoints,
  PointsError,
  pointsBalance,
  pointsHistory,
  spendPoints,
} from "~/modules/mirror/points/points-ledger.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { assignShopSettings } from "~/modules/platform/settings/shop-settings.server";
import { createTestDb, type TestDb } from "../helpers/db";

const T0 = new Date("2026-03-01T03:00:00Z");
const DAY = 86_400_000;
const at = (days: number) => new Date(T0.getTime() + days * DAY);

let t: TestDb;
let db: Db;
let serial = 0;

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
});
afterAll(async () => t?.close());

async function newShop(assignments: string[] = []) {
  const { shopId } = await registerLocalShop({
    db,
    domain: `points-${++serial}.myshopify.com`,
    currency: "JPY",
    timezone: "Asia/Tokyo",
  });
  if (assignments.length > 0) {
    const saved = await assignShopSettings(db, shopId, assignments);
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  }
  return shopId;
}

async function newCustomer(shopId: string, email = `p${++serial}@example.jp`) {
  const c: NormalizedCustomer = {
    gid: `gid://shopify/Customer/90071992547410${String(++serial).padStart(4, "0")}`,
    email,
    firstName: "花子",
    lastName: "山田",
    phone: null,
    locale: "ja",
    state: "enabled",
    tags: null,
    consent: { state: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", updatedAt: at(-10) },
    birthDate: null,
    createdAt: at(-10),
    updatedAt: at(-10),
  };
  const { id } = await upsertCustomer(db, { shopId, now: at(-10) }, c);
  return { id, gid: c.gid, email };
}

function orderVersion(
  owner: { gid: string; email: string },
  gid: string,
  v: {
    updatedDays: number;
    paid?: boolean;
    cancelled?: boolean;
    refunds?: NormalizedRefund[];
    total?: bigint;
    test?: boolean;
  },
): NormalizedOrder {
  const total = v.total ?? 10_000_000n;
  return {
    gid,
    name: "#1001",
    customer: null,
    customerGid: owner.gid,
    email: owner.email,
    currency: "JPY",
    totalPrice: total,
    subtotalPrice: total,
    totalDiscounts: 0n,
    financialStatus: v.paid === false ? "pending" : v.refunds?.length ? "partially_refunded" : "paid",
    fulfillmentStatus: null,
    cancelledAt: v.cancelled ? at(v.updatedDays) : null,
    cancelReason: v.cancelled ? "customer" : null,
    paidAt: v.paid === false ? null : at(0),
    discountCodes: [],
    checkoutToken: null,
    cartToken: null,
    sourceName: "web",
    customerLocale: "ja",
    test: v.test ?? false,
    buyerAcceptsMarketing: null,
    createdAt: at(0),
    updatedAt: at(v.updatedDays),
    lines: [],
    refunds: v.refunds ?? [],
  };
}

const refund = (gid: string, amount: bigint, days: number): NormalizedRefund => ({
  gid,
  amount,
  lines: [],
  note: null,
  createdAt: at(days),
});

/** Applies one webhook through its topic, in one transaction, as the inbox worker does. */
async function deliver(shopId: string, topic: string, data: unknown, nowDays: number) {
  await db.$transaction((tx) =>
    getTopic(topic as "orders/create").apply(
      tx,
      { shopId, shopDomain: "x.myshopify.com", now: at(nowDays) },
      data as never,
    ),
  );
}

const balanceOf = async (shopId: string, customerId: string, now = at(1)) =>
  (await pointsBalance(db, shopId, [customerId], now)).get(customerId)!;

describe("earning", () => {
  test("a paid order earns the shop's rate on its subtotal, in a lot expiring after the shop's expiry days", async () => {
    const shopId = await newShop();
    const buyer = await newCustomer(shopId);
    await recordOrder(
      db,
      { shopId, now: at(0) },
      orderVersion(buyer, "gid://shopify/Order/1", { updatedDays: 0, total: 3_240_000n }),
    );
    expect(await balanceOf(shopId, buyer.id)).toEqual({ balance: 32, nextExpiry: { points: 32, at: at(365) } });

    // another rate, another expiry
    const other = await newShop(["pointsEarned=5", "pointsPerCurrencyUnits=1000", "pointsExpiryDays=90"]);
    const b2 = await newCustomer(other);
    await recordOrder(
      db,
      { shopId: other, now: at(0) },
      orderVersion(b2, "gid://shopify/Order/1", { updatedDays: 0, total: 3_240_000n }),
    );
    expect(await balanceOf(other, b2.id)).toEqual({ balance: 16, nextExpiry: { points: 16, at: at(90) } }); // 3,240 × 5 / 1,000;
  });

  test("unpaid and test orders earn nothing; payment later earns once, however often it is redelivered", async () => {
    const shopId = await newShop();
    const buyer = await newCustomer(shopId);
    const gid = "gid://shopify/Order/2";
    await recordOrder(db, { shopId, now: at(0) }, orderVersion(buyer, gid, { updatedDays: 0, paid: false }));
    await recordOrder(
      db,
      { shopId, now: at(0) },
      orderVersion(buyer, "gid://shopify/Order/3", { updatedDays: 0, test: true }),
    );
    expect((await balanceOf(shopId, buyer.id)).balance).toBe(0);
    for (let i = 0; i < 3; i++)
      await recordOrder(db, { shopId, now: at(0.1) }, orderVersion(buyer, gid, { updatedDays: 0.1 }));
    expect((await balanceOf(shopId, buyer.id)).balance).toBe(100);
    expect((await pointsHistory(db, shopId, buyer.id)).map((e) => [e.kind, e.points])).toEqual([["earn", 100]]);
  });
});

describe("reversal", () => {
  test("each refund reverses its share once, keyed by the refund; the customer keeps the floor", async () => {
    const shopId = await newShop();
    const buyer = await newCustomer(shopId);
    const gid = "gid://shopify/Order/10";
    await recordOrder(db, { shopId, now: at(0) }, orderVersion(buyer, gid, { updatedDays: 0, total: 10_050_000n })); // 100 points
    const r1 = refund("gid://shopify/Refund/11", 2_512_500n, 1); // a quarter
    await deliver(shopId, "refunds/create", { orderGid: gid, refund: r1 }, 1);
    await deliver(shopId, "refunds/create", { orderGid: gid, refund: r1 }, 1); // redelivered
    expect((await balanceOf(shopId, buyer.id)).balance).toBe(75);
    // the order update listing the same refund books nothing more
    await recordOrder(
      db,
      { shopId, now: at(1.5) },
      orderVersion(buyer, gid, { updatedDays: 1.5, total: 10_050_000n, refunds: [r1] }),
    );
    const r2 = refund("gid://shopify/Refund/12", 1_000_000n, 2);
    await deliver(shopId, "refunds/create", { orderGid: gid, refund: r2 }, 2);
    // kept 6,537.5 of 10,050 → floor(100 × 0.6504…) = 65
    expect((await balanceOf(shopId, buyer.id, at(3))).balance).toBe(65);
    const history = await pointsHistory(db, shopId, buyer.id);
    expect(history.map((e) => [e.key, e.points])).toEqual([
      ["refund:gid://shopify/Refund/12", -10],
      ["refund:gid://shopify/Refund/11", -25],
      [`order:${gid}:earn`, 100],
    ]);
  });

  test("a full refund and a cancellation take back everything; a deleted order too", async () => {
    const shopId = await newShop();
    const buyer = await newCustomer(shopId);
    await recordOrder(db, { shopId, now: at(0) }, orderVersion(buyer, "gid://shopify/Order/20", { updatedDays: 0 }));
    await recordOrder(db, { shopId, now: at(0) }, orderVersion(buyer, "gid://shopify/Order/21", { updatedDays: 0 }));
    await recordOrder(db, { shopId, now: at(0) }, orderVersion(buyer, "gid://shopify/Order/22", { updatedDays: 0 }));
    expect((await balanceOf(shopId, buyer.id)).balance).toBe(300);
    await deliver(
      shopId,
      "refunds/create",
      { orderGid: "gid://shopify/Order/20", refund: refund("gid://shopify/Refund/20", 10_000_000n, 1) },
      1,
    );
    await deliver(
      shopId,
      "orders/cancelled",
      orderVersion(buyer, "gid://shopify/Order/21", { updatedDays: 1, cancelled: true }),
      1,
    );
    await deliver(shopId, "orders/delete", { gid: "gid://shopify/Order/22" }, 1);
    expect((await balanceOf(shopId, buyer.id, at(2))).balance).toBe(0);
    expect((await pointsHistory(db, shopId, buyer.id)).map((e) => e.kind).sort()).toEqual([
      "cancel",
      "cancel",
      "earn",
      "earn",
      "earn",
      "refund",
    ]);
  });

  test("a refund that arrives before its order waits, then ends correct", async () => {
    const shopId = await newShop();
    const buyer = await newCustomer(shopId);
    const gid = "gid://shopify/Order/30";
    const r = refund("gid://shopify/Refund/30", 5_000_000n, 1);
    await expect(deliver(shopId, "refunds/create", { orderGid: gid, refund: r }, 1)).rejects.toBeInstanceOf(RetryLater);
    expect(await db.pointsEntry.count({ where: { shopId } })).toBe(0);
    await deliver(shopId, "orders/paid", orderVersion(buyer, gid, { updatedDays: 0 }), 1);
    await deliver(shopId, "refunds/create", { orderGid: gid, refund: r }, 1);
    expect((await balanceOf(shopId, buyer.id, at(2))).balance).toBe(50);
  });

  test("an order first seen already refunded shows the earn and the reversal", async () => {
    const shopId = await newShop();
    const buyer = await newCustomer(shopId);
    const gid = "gid://shopify/Order/31";
    await deliver(
      shopId,
      "orders/updated",
      orderVersion(buyer, gid, { updatedDays: 2, refunds: [refund("gid://shopify/Refund/31", 4_000_000n, 1)] }),
      2,
    );
    expect((await balanceOf(shopId, buyer.id, at(2))).balance).toBe(60);
    expect((await pointsHistory(db, shopId, buyer.id)).map((e) => [e.kind, e.points])).toEqual([
      ["refund", -40],
      ["earn", 100],
    ]);
  });

  test("reversing points the customer already spent takes what is left and records the shortfall", async () => {
    const shopId = await newShop();
    const buyer = await newCustomer(shopId);
    const gid = "gid://shopify/Order/40";
    await recordOrder(db, { shopId, now: at(0) }, orderVersion(buyer, gid, { updatedDays: 0 }));
    await spendPoints(db, shopId, buyer.id, 80, "redeem-1", "redeemed", at(0.5));
    await deliver(shopId, "orders/cancelled", orderVersion(buyer, gid, { updatedDays: 1, cancelled: true }), 1);
    expect((await balanceOf(shopId, buyer.id, at(2))).balance).toBe(0);
    const cancel = await db.pointsEntry.findFirstOrThrow({ where: { shopId, kind: "cancel" } });
    expect([cancel.points, cancel.shortfall]).toEqual([-20, 80]);
    // and nothing is retried: the order's booked total already matches its state
    await deliver(shopId, "orders/updated", orderVersion(buyer, gid, { updatedDays: 2, cancelled: true }), 2);
    expect(await db.pointsEntry.count({ where: { shopId } })).toBe(3);
  });
});

describe("adjustment, spending, expiry, bonus", () => {
  test("manual adjustments: added in a new lot, taken FIFO, refused beyond the balance with nothing written", async () => {
    const shopId = await newShop(["pointsExpiryDays=30"]);
    const buyer = await newCustomer(shopId);
    await adjustPoints(db, shopId, buyer.id, 50, "apology for a late parcel", { now: at(0) });
    await adjustPoints(db, shopId, buyer.id, 40, "campaign", { now: at(10) });
    await adjustPoints(db, shopId, buyer.id, -60, "correction", { now: at(11) });
    const lots = await db.pointsLot.findMany({ where: { shopId }, orderBy: { earnedAt: "asc" } });
    expect(lots.map((l) => l.remaining)).toEqual([0, 30]); // the first to expire went first
    await expect(adjustPoints(db, shopId, buyer.id, -31, "too much", { now: at(11) })).rejects.toThrow(PointsError);
    await expect(adjustPoints(db, shopId, buyer.id, 10, "   ", { now: at(11) })).rejects.toThrow(/reason/);
    expect(await db.pointsEntry.count({ where: { shopId } })).toBe(3);
    expect(await balanceOf(shopId, buyer.id, at(12))).toEqual({ balance: 30, nextExpiry: { points: 30, at: at(40) } });
  });

  test("lots expire: the balance stops counting them at once, and the expiry is booked once", async () => {
    const shopId = await newShop(["pointsExpiryDays=30"]);
    const buyer = await newCustomer(shopId);
    await adjustPoints(db, shopId, buyer.id, 50, "first", { now: at(0) });
    await adjustPoints(db, shopId, buyer.id, 20, "second", { now: at(20) });
    expect((await balanceOf(shopId, buyer.id, at(29))).nextExpiry).toEqual({ points: 50, at: at(30) });
    expect(await balanceOf(shopId, buyer.id, at(30))).toEqual({ balance: 20, nextExpiry: { points: 20, at: at(50) } });
    expect(await expireDuePoints(db, shopId, at(31))).toBe(50);
    expect(await expireDuePoints(db, shopId, at(31))).toBe(0);
    expect((await pointsHistory(db, shopId, buyer.id))[0]).toMatchObject({ kind: "expire", points: -50 });
    // spending never touches an expired lot
    await expect(spendPoints(db, shopId, buyer.id, 21, "s1", "redeem", at(31))).rejects.toThrow(/has 20 points/);
  });

  test("bonus points are awarded once per idempotency key", async () => {
    const shopId = await newShop();
    const buyer = await newCustomer(shopId);
    expect(await awardBonusPoints(db, shopId, buyer.id, 100, "birthday bonus", "msg-1", at(0))).toEqual({
      awarded: true,
    });
    expect(await awardBonusPoints(db, shopId, buyer.id, 100, "birthday bonus", "msg-1", at(0))).toEqual({
      awarded: false,
    });
    expect((await balanceOf(shopId, buyer.id)).balance).toBe(100);
    await expect(awardBonusPoints(db, shopId, buyer.id, 0, "x", "msg-2")).rejects.toThrow(PointsError);
  });

  test("a customers/merge moves the deleted account's points to the kept one", async () => {
    const shopId = await newShop();
    const kept = await newCustomer(shopId);
    const gone = await newCustomer(shopId);
    await recordOrder(db, { shopId, now: at(0) }, orderVersion(gone, "gid://shopify/Order/50", { updatedDays: 0 }));
    await db.$transaction((tx) => mergeCustomers(tx, { shopId, now: at(1) }, kept.gid, gone.gid));
    expect((await balanceOf(shopId, kept.id)).balance).toBe(100);
  });
});

describe("the points command", () => {
  test("adjusts by GID or email, lists balances, refuses bad input without writing", async () => {
    const shopId = await newShop();
    const domain = (await db.shop.findUniqueOrThrow({ where: { id: shopId } })).domain;
    const buyer = await newCustomer(shopId, "Hanako@Example.jp");
    const added = await runPoints(db, { domain, customer: buyer.gid, adjust: "120", reason: "goodwill", now: at(0) });
    expect(added).toMatchObject({ ok: true, output: { customerId: buyer.gid, balance: 120, adjusted: 120 } });
    const taken = await runPoints(db, {
      domain,
      customer: "hanako@example.jp",
      adjust: "-20",
      reason: "correction",
      now: at(0),
    });
    expect(taken).toMatchObject({ ok: true, output: { balance: 100, adjusted: -20 } });

    for (const bad of [
      { adjust: "1.5", reason: "x" },
      { adjust: "abc", reason: "x" },
      { adjust: "0", reason: "x" },
      { adjust: "50" },
      { adjust: "-101", reason: "too much" },
    ]) {
      const result = await runPoints(db, { domain, customer: buyer.gid, now: at(0), ...bad });
      expect(result.ok).toBe(false);
    }
    expect(await runPoints(db, { domain, customer: "nobody@example.jp", adjust: "5", reason: "x" })).toMatchObject({
      ok: false,
      exitCode: 1,
    });
    expect(await db.pointsEntry.count({ where: { shopId } })).toBe(2);

    const list = await runPoints(db, { domain, now: at(1) });
    expect(list).toMatchObject({
      ok: true,
      output: [
        { customerId: buyer.gid, email: "Hanako@Example.jp", balance: 100, nextExpiryAt: at(365).toISOString() },
      ],
    });
    const one = await runPoints(db, { domain, customer: buyer.gid, now: at(1) });
    expect(one.ok && "history" in one.output && one.output.history.map((h) => h.points)).toEqual([-20, 120]);
  });
});

describe("property: webhook order and duplicates do not matter", () => {
  type Hook = { topic: string; data: unknown; order: number };

  test("any permutation with duplicates of an order's webhooks gives the balance its final state implies", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          totalYen: fc.integer({ min: 1, max: 200_000 }),
          refundShares: fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 3 }),
          cancelled: fc.boolean(),
          perm: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
          dupes: fc.array(fc.nat({ max: 20 }), { maxLength: 4 }),
        }),
        async ({ totalYen, refundShares, cancelled, perm, dupes }) => {
          const shopId = await newShop();
          const buyer = await newCustomer(shopId);
          const gid = `gid://shopify/Order/${++serial}`;
          const total = BigInt(totalYen) * 1000n;
          let refunded = 0n;
          const refunds = refundShares.flatMap((share, i) => {
            const amount = (total * BigInt(share)) / 100n;
            if (amount === 0n || refunded + amount > total) return [];
            refunded += amount;
            return [refund(`gid://shopify/Refund/${serial}${i}`, amount, 1 + i)];
          });
          // the webhooks Shopify would send for this life of the order
          const hooks: Hook[] = [
            {
              topic: "orders/create",
              data: orderVersion(buyer, gid, { updatedDays: 0, paid: false, total }),
              order: 0,
            },
            { topic: "orders/paid", data: orderVersion(buyer, gid, { updatedDays: 0.5, total }), order: 1 },
          ];
          refunds.forEach((r, i) => {
            hooks.push({ topic: "refunds/create", data: { orderGid: gid, refund: r }, order: 2 + i });
            hooks.push({
              topic: "orders/updated",
              data: orderVersion(buyer, gid, { updatedDays: 1 + i + 0.5, total, refunds: refunds.slice(0, i + 1) }),
              order: 2 + i,
            });
          });
          if (cancelled)
            hooks.push({
              topic: "orders/cancelled",
              data: orderVersion(buyer, gid, { updatedDays: 9, total, refunds, cancelled: true }),
              order: 9,
            });
          const shuffled = hooks
            .map((h, i) => ({ h, k: perm[i % perm.length]! + i / 100 }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.h);
          for (const d of dupes) shuffled.splice(d % (shuffled.length + 1), 0, shuffled[d % shuffled.length]!);

          // deliver; a refund before its order goes back in the queue, as the inbox retries it
          const queue = [...shuffled];
          for (let guard = 0; queue.length > 0 && guard < 200; guard++) {
            const hook = queue.shift()!;
            try {
              await deliver(shopId, hook.topic, hook.data, 10);
            } catch (error) {
              if (!(error instanceof RetryLater)) throw error;
              queue.push(hook);
            }
          }
          const base = pointsForAmount(total, { earnPoints: 1, perCurrencyUnits: 100 });
          const expected = orderTargetPoints(base, {
            paid: true,
            cancelled,
            excluded: false,
            totalPrice: total,
            totalRefunded: refunded,
          });
          const { balance } = await balanceOf(shopId, buyer.id, at(10));
          expect(balance).toBe(expected);
          // the ledger's two views agree
          const sum = await db.pointsEntry.aggregate({ where: { shopId }, _sum: { points: true } });
          expect(sum._sum.points ?? 0).toBe(balance);
        },
      ),
      { numRuns: 20 },
    );
  }, 180_000);
});
