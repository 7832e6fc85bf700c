// The CLV report of a range that runs to today reads the customer rollups (purchase days, first
// and last order, net spend) instead of joining the orders (ADR 0016, amendment): the fitted
// inputs must be exactly those of the order join. Past instants keep the order join. And the
// model's split check is computed once per shop-local day.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Db } from "~/db.server";
import { recomputeCustomerRollups } from "~/modules/mirror/customers/recompute-rollups.server";
import { seededRandom } from "~/modules/platform/demo/sample-store";
import { getClvReport, resolveReportRange } from "~/modules/reports";
import { cachedSplitCheck, forgetClvChecks } from "~/modules/reports/clv-check-cache.server";
import { clvObservations } from "~/modules/reports/customer-reports.server";
import { dialectOf } from "~/modules/reports/sql.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { refreshStaleRecommendationModels } from "~/modules/jobs/schedule/refresh-recommendations.server";
import { createTestDb, type TestDb } from "../helpers/db";

const DAY_MS = 86_400_000;
/** 18:00 on 22 November in New York (UTC−5) */
const NOW = new Date("2026-11-22T23:00:00Z");
const START = new Date("2025-01-05T05:00:00Z");

let t: TestDb;
let shopId: string;

/**
 * 160 customers in New York (a zone with summer time), two years of orders: some pairs an hour
 * apart across local midnight (two purchase days) or across UTC midnight (one), some around the
 * clock changes, cancelled orders (not counted) and partial refunds.
 */
async function seedShop(db: Db): Promise<string> {
  const { shopId: id } = await registerLocalShop({
    db,
    domain: "clv-rollups.myshopify.com",
    timezone: "America/New_York",
    currency: "USD",
  });
  const u = seededRandom(2026);
  let n = 0;
  const orders: { customerId: string; at: Date; price: bigint; refunded: bigint; counted: boolean }[] = [];
  const customerIds: string[] = [];
  for (let i = 0; i < 160; i += 1) {
    const c = await db.customer.create({ data: { shopId: id, gid: `gid://shopify/Customer/${i + 1}` } });
    customerIds.push(c.id);
    let at = START.getTime() + Math.floor(u() * 500) * DAY_MS + Math.floor(u() * 24 * 60) * 60_000;
    const count = 1 + Math.floor(u() * u() * 8);
    for (let k = 0; k < count && at < NOW.getTime(); k += 1) {
      const price = BigInt(10_000 + Math.floor(u() * 50_000));
      orders.push({
        customerId: c.id,
        at: new Date(at),
        price,
        refunded: k % 5 === 4 ? price / 3n : 0n,
        counted: u() > 0.1,
      });
      // an hour later, now and then: across local midnight for some, across UTC midnight for others
      if (u() < 0.15)
        orders.push({ customerId: c.id, at: new Date(at + 3_600_000), price, refunded: 0n, counted: true });
      at += Math.floor(1 + u() * 120) * DAY_MS + Math.floor(u() * 600) * 60_000;
    }
  }
  // pairs placed on purpose: 23:30 and 00:30 local (two days); 23:30 and 00:30 UTC = 18:30, 19:30 local (one day);
  // the night the clocks went forward (8 March 2026) and back (1 November 2026): 00:30 and 23:30 local, one day each
  const pairs: [string, string][] = [
    ["2026-02-11T04:30:00Z", "2026-02-11T05:30:00Z"],
    ["2026-02-11T23:30:00Z", "2026-02-12T00:30:00Z"],
    ["2026-03-08T05:30:00Z", "2026-03-09T03:30:00Z"],
    ["2026-11-01T04:30:00Z", "2026-11-02T04:30:00Z"],
  ];
  for (const [k, [a, b]] of pairs.entries()) {
    for (const at of [a, b])
      orders.push({ customerId: customerIds[k] ?? "", at: new Date(at), price: 20_000n, refunded: 0n, counted: true });
  }
  // an order dated after now (a clock ahead somewhere): the rollups count it, the report must not
  orders.push({
    customerId: customerIds[10] ?? "",
    at: new Date(NOW.getTime() + 2 * 3_600_000),
    price: 15_000n,
    refunded: 0n,
    counted: true,
  });
  await db.order.createMany({
    data: orders.map((o) => {
      n += 1;
      return {
        shopId: id,
        gid: `gid://shopify/Order/${n}`,
        customerId: o.customerId,
        totalPrice: o.price,
        subtotalPrice: o.price,
        totalRefunded: o.refunded,
        financialStatus: o.refunded > 0n ? "partially_refunded" : "paid",
        cancelledAt: o.counted ? null : o.at,
        counted: o.counted,
        shopifyCreatedAt: o.at,
      };
    }),
  });
  // the rollups as every ingest path keeps them (webhook batches, the import, refunds)
  for (const customerId of customerIds) await recomputeCustomerRollups(db, { shopId: id, now: NOW }, customerId);
  return id;
}

beforeAll(async () => {
  t = await createTestDb();
  shopId = await seedShop(t.db);
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe("CLV inputs from the rollups", () => {
  test("the rollups hold each customer's distinct New York purchase days", async () => {
    const byDay = await t.db.customer.findMany({
      where: { shopId },
      select: { purchaseDays: true, purchaseDaysZone: true, ordersCount: true },
    });
    expect(byDay.every((c) => c.purchaseDaysZone === "America/New_York")).toBe(true);
    // some customers have two orders on one day, so purchase days fall short of orders
    expect(byDay.some((c) => c.purchaseDays < c.ordersCount)).toBe(true);
    const pairCustomers = await t.db.customer.findMany({
      where: { shopId, gid: { in: [1, 2, 3, 4].map((i) => `gid://shopify/Customer/${i}`) } },
      orderBy: { gid: "asc" },
      select: { id: true, purchaseDays: true },
    });
    for (const c of pairCustomers) {
      const own = await t.db.order.findMany({
        where: { shopId, customerId: c.id, counted: true },
        select: { shopifyCreatedAt: true },
      });
      const local = new Set(
        own.map((o) => o.shopifyCreatedAt.toLocaleDateString("en-CA", { timeZone: "America/New_York" })),
      );
      expect(c.purchaseDays).toBe(local.size);
    }
  });

  test("a range to today: the rollup path gives exactly the order join's groups and sample", async () => {
    const range = await resolveReportRange(t.db, shopId, { now: NOW });
    const fromRollups = await clvObservations(t.db, shopId, range, { end: NOW, laterEnd: NOW, source: "rollups" });
    const fromOrders = await clvObservations(t.db, shopId, range, { end: NOW, laterEnd: NOW, source: "orders" });
    // every customer with a counted order (a few have only cancelled ones)
    const buyers = await t.db.customer.count({ where: { shopId, ordersCount: { gt: 0 } } });
    expect(buyers).toBeGreaterThan(150);
    expect(fromRollups.groups.reduce((s, g) => s + g.customers, 0)).toBe(buyers);
    expect(fromRollups.groups.some((g) => g.orders >= 3)).toBe(true);
    expect(fromRollups).toEqual(fromOrders);
  });

  test("the split check's calibration 13 weeks back: the rollups of those who have not ordered since give exactly the order join's groups, with the later purchase days", async () => {
    const range = await resolveReportRange(t.db, shopId, { now: NOW });
    const calibrationEnd = new Date(NOW.getTime() - 13 * 7 * DAY_MS);
    const fromRollups = await clvObservations(t.db, shopId, range, {
      end: calibrationEnd,
      laterEnd: NOW,
      source: "rollups",
      withSample: false,
    });
    const fromOrders = await clvObservations(t.db, shopId, range, {
      end: calibrationEnd,
      laterEnd: NOW,
      source: "orders",
      withSample: false,
    });
    expect(fromRollups.groups.reduce((s, g) => s + (g.later ?? 0), 0)).toBeGreaterThan(10);
    // some customers are read from their rollups: those with no order since the calibration end
    expect(
      await t.db.customer.count({ where: { shopId, ordersCount: { gt: 0 }, lastOrderAt: { lt: calibrationEnd } } }),
    ).toBeGreaterThan(50);
    expect(fromRollups).toEqual(fromOrders);
  });

  test("customers the rollups cannot describe come from their orders: counted in another zone, or an order dated after now", async () => {
    const range = await resolveReportRange(t.db, shopId, { now: NOW });
    const stale = await t.db.customer.findFirstOrThrow({
      where: { shopId, gid: "gid://shopify/Customer/2" },
      select: { id: true, purchaseDays: true },
    });
    // wrong figures under another zone's name: must not be read
    await t.db.customer.update({
      where: { id: stale.id },
      data: { purchaseDaysZone: "Asia/Tokyo", purchaseDays: stale.purchaseDays + 7 },
    });
    try {
      const fromRollups = await clvObservations(t.db, shopId, range, { end: NOW, laterEnd: NOW, source: "rollups" });
      const fromOrders = await clvObservations(t.db, shopId, range, { end: NOW, laterEnd: NOW, source: "orders" });
      expect(fromRollups).toEqual(fromOrders);
    } finally {
      await recomputeCustomerRollups(t.db, { shopId, now: NOW }, stale.id);
    }
  });

  test("the report reads the rollups to today, and the orders for a past range", async () => {
    const today = await resolveReportRange(t.db, shopId, { now: NOW });
    const past = await resolveReportRange(t.db, shopId, { to: "2026-06-30", now: NOW });
    const [todayBefore, pastBefore] = [await getClvReport(t.db, shopId, today), await getClvReport(t.db, shopId, past)];
    // a one-day customer whose rollup now (wrongly) says four purchase days
    const oneDay = await t.db.customer.findFirstOrThrow({
      where: { shopId, purchaseDays: 1, firstOrderAt: { lt: new Date("2026-06-01T00:00:00Z") } },
      select: { id: true },
    });
    await t.db.customer.update({ where: { id: oneDay.id }, data: { purchaseDays: 4 } });
    try {
      const [todayAfter, pastAfter] = [await getClvReport(t.db, shopId, today), await getClvReport(t.db, shopId, past)];
      const bucket = (r: typeof todayBefore, orders: string) => r.byOrders.find((b) => b.orders === orders)?.customers;
      expect(bucket(todayAfter, "1")).toBe((bucket(todayBefore, "1") ?? 0) - 1);
      expect(bucket(todayAfter, "4")).toBe((bucket(todayBefore, "4") ?? 0) + 1);
      expect(pastAfter).toEqual(pastBefore);
      expect(pastAfter.measuredAt).toBe(past.to.toISOString());
    } finally {
      await recomputeCustomerRollups(t.db, { shopId, now: NOW }, oneDay.id);
    }
  });
});

describe("the migration's back-fill", () => {
  async function recomputeAll(): Promise<void> {
    for (const { id } of await t.db.customer.findMany({ where: { shopId }, select: { id: true } }))
      await recomputeCustomerRollups(t.db, { shopId, now: NOW }, id);
  }
  const columns = { id: true, purchaseDays: true, purchaseDaysZone: true } as const;

  test("gives what the rollups give: in any zone PostgreSQL knows; on SQLite in the fixed-offset zones it lists, the others left to their next rollup", async () => {
    const postgres = dialectOf(t.db) === "postgresql";
    const dir = postgres ? "prisma/postgres/migrations" : "prisma/migrations";
    const migration = readdirSync(dir).find((name) => name.endsWith("_clv_purchase_days_and_check_cache"));
    const sql = readFileSync(path.join(dir, String(migration), "migration.sql"), "utf8");
    const backfill = /-- Backfill[^]*?\n(UPDATE "Customer"[\s\S]*?;)\s*$/.exec(sql)?.[1];
    expect(backfill).toBeDefined();
    try {
      for (const timezone of ["Asia/Tokyo", "America/New_York"]) {
        await t.db.shop.update({ where: { id: shopId }, data: { timezone } });
        await recomputeAll();
        const fromRollups = await t.db.customer.findMany({
          where: { shopId },
          select: columns,
          orderBy: { id: "asc" },
        });
        expect(fromRollups.some((c) => c.purchaseDays >= 3)).toBe(true);
        await t.db.customer.updateMany({ where: { shopId }, data: { purchaseDays: 0, purchaseDaysZone: null } });
        await t.db.$executeRawUnsafe(String(backfill));
        const filled = await t.db.customer.findMany({ where: { shopId }, select: columns, orderBy: { id: "asc" } });
        if (postgres || timezone === "Asia/Tokyo") expect(filled).toEqual(fromRollups);
        else expect(filled.every((c) => c.purchaseDaysZone === null && c.purchaseDays === 0)).toBe(true);
        // either way the report's inputs are the order join's
        const range = await resolveReportRange(t.db, shopId, { now: NOW });
        expect(await clvObservations(t.db, shopId, range, { end: NOW, laterEnd: NOW, source: "rollups" })).toEqual(
          await clvObservations(t.db, shopId, range, { end: NOW, laterEnd: NOW, source: "orders" }),
        );
      }
    } finally {
      await t.db.shop.update({ where: { id: shopId }, data: { timezone: "America/New_York" } });
      await recomputeAll();
    }
  }, 60_000);
});

describe("the split check, once per shop-local day", () => {
  test("a second report the same local day reuses the stored check; the next local day recomputes it", async () => {
    await forgetClvChecks(t.db, shopId);
    const first = await getClvReport(t.db, shopId, await resolveReportRange(t.db, shopId, { now: NOW }));
    expect(first.check?.kind ?? first.checkReason).toBeTruthy();
    const stored = await t.db.clvCheckCache.findMany({ where: { shopId } });
    expect(stored.map((r) => [r.day, r.timezone])).toEqual([["2026-11-22", "America/New_York"]]);
    // mark the stored row, so reading it shows
    await t.db.clvCheckCache.updateMany({
      where: { shopId },
      data: { result: JSON.stringify({ check: null, checkReason: "from the store" }) },
    });
    // 23:00 in New York, already 23 November in UTC: the same shop day
    const sameDay = await getClvReport(
      t.db,
      shopId,
      await resolveReportRange(t.db, shopId, { now: new Date("2026-11-23T04:00:00Z") }),
    );
    expect(sameDay.checkReason).toBe("from the store");
    expect(sameDay.check).toBeNull();
    // 01:00 on 23 November in New York: a new day
    const nextDay = await getClvReport(
      t.db,
      shopId,
      await resolveReportRange(t.db, shopId, { now: new Date("2026-11-23T06:00:00Z") }),
    );
    expect(nextDay.checkReason).not.toBe("from the store");
    expect(nextDay.check).toEqual(
      first.check === null ? null : expect.objectContaining({ kind: "split", checkEnd: "2026-11-23T06:00:00.000Z" }),
    );
    expect((await t.db.clvCheckCache.findMany({ where: { shopId } })).map((r) => r.day)).toEqual(["2026-11-23"]);
  });

  test("the hourly background job stores the day's check for the default range, so the first report of the day reads it", async () => {
    await forgetClvChecks(t.db, shopId);
    await refreshStaleRecommendationModels(t.db as Db, "test-holder", NOW);
    const stored = await t.db.clvCheckCache.findMany({ where: { shopId } });
    expect(stored.map((r) => [r.day, r.timezone])).toEqual([["2026-11-22", "America/New_York"]]);
    await t.db.clvCheckCache.updateMany({
      where: { shopId },
      data: { result: JSON.stringify({ check: null, checkReason: "warmed by the job" }) },
    });
    // the job's next hourly pass the same day leaves the stored check alone
    await refreshStaleRecommendationModels(t.db as Db, "test-holder", new Date(NOW.getTime() + 3_600_000));
    const report = await getClvReport(t.db, shopId, await resolveReportRange(t.db, shopId, { now: NOW }));
    expect(report.checkReason).toBe("warmed by the job");
  });

  test("the store is keyed by range start and zone, and forgetClvChecks empties it", async () => {
    await forgetClvChecks(t.db, shopId);
    const range = await resolveReportRange(t.db, shopId, { now: NOW });
    let computed = 0;
    const compute = async () => {
      computed += 1;
      return { check: null, checkReason: `computed ${computed}` };
    };
    expect(await cachedSplitCheck(t.db, shopId, range, compute)).toEqual({ check: null, checkReason: "computed 1" });
    expect(
      await cachedSplitCheck(t.db, shopId, { ...range, asOf: new Date(NOW.getTime() + 3_600_000) }, compute),
    ).toEqual({ check: null, checkReason: "computed 1" });
    expect(await cachedSplitCheck(t.db, shopId, { ...range, fromDate: "2026-01-01" }, compute)).toEqual({
      check: null,
      checkReason: "computed 2",
    });
    expect(await cachedSplitCheck(t.db, shopId, { ...range, timezone: "America/Chicago" }, compute)).toEqual({
      check: null,
      checkReason: "computed 3",
    });
    await forgetClvChecks(t.db, shopId);
    expect(await cachedSplitCheck(t.db, shopId, range, compute)).toEqual({ check: null, checkReason: "computed 4" });
    expect(computed).toBe(4);
  });
});
