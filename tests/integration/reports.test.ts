// Every report on a small shop computed by hand (tests/helpers/reports-shop.ts), on a real
// migrated database: SQLite, and PostgreSQL with TEST_DATABASE_URL.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { dialectOf } from "~/lib/raw-sql.server";
import { CSV_REPORTS } from "~/modules/reports/export/report-csv";
import { reportCsvFor } from "~/modules/reports/export/report-csv.server";
import * as reports from "~/modules/reports";
import type { ReportRange } from "~/modules/reports";
import { assignShopSettings } from "~/modules/platform/settings/shop-settings.server";
import { createTestDb, type TestDb } from "../helpers/db";
import { REPORTS_NOW, seedReportsShop } from "../helpers/reports-shop";
import { must } from "../helpers/must";

let t: TestDb;
let shopId: string;
let range: ReportRange;

beforeAll(async () => {
  t = await createTestDb();
  shopId = (await seedReportsShop(t.db, "reports-test.myshopify.com")).shopId;
  range = await reports.resolveReportRange(t.db, shopId, { from: "2026-01-01", to: "2026-06-14", now: REPORTS_NOW });
}, 60_000);

afterAll(async () => {
  await t.close();
});

describe("the range", () => {
  test("shop-local days in Tokyo", () => {
    expect(range).toMatchObject({
      fromDate: "2026-01-01",
      toDate: "2026-06-14",
      timezone: "Asia/Tokyo",
      currency: "JPY",
    });
    expect(range.from.toISOString()).toBe("2025-12-31T15:00:00.000Z");
    expect(range.to.toISOString()).toBe("2026-06-14T15:00:00.000Z");
  });

  test("defaults: from the first counted order to today", async () => {
    const all = await reports.resolveReportRange(t.db, shopId, { now: REPORTS_NOW });
    expect(all).toMatchObject({ fromDate: "2025-03-03", toDate: "2026-06-15" });
  });

  test("bad input is refused with what to send instead", async () => {
    await expect(reports.resolveReportRange(t.db, shopId, { from: "2026-13-01" })).rejects.toThrow(
      'from: "2026-13-01" is not a date; use YYYY-MM-DD',
    );
    await expect(reports.resolveReportRange(t.db, shopId, { from: "2026-03-01", to: "2026-02-01" })).rejects.toThrow(
      reports.ReportRangeError,
    );
  });
});

describe("reports on hand-computed data", () => {
  test("summary: counted orders in the range, net of refunds", async () => {
    expect(await reports.getSummaryReport(t.db, shopId, range)).toEqual({
      currency: "JPY",
      customers: 6,
      newCustomers: 5,
      // ordered again in the range: A, B and E (after a first order in it) and F (who had ordered in 2025); not C or D
      repeatCustomers: 4,
      repeatRate: 0.666667,
      orders: 12,
      netRevenue: 65_000,
      averageOrderValue: 5416.667,
    });
  });

  test("summary of February in Tokyo includes B's order of 31 January 16:00 UTC", async () => {
    const feb = await reports.resolveReportRange(t.db, shopId, {
      from: "2026-02-01",
      to: "2026-02-28",
      now: REPORTS_NOW,
    });
    expect(await reports.getSummaryReport(t.db, shopId, feb)).toMatchObject({
      customers: 3,
      newCustomers: 2,
      repeatCustomers: 1,
      repeatRate: 0.333333,
      orders: 3,
      netRevenue: 19_000,
    });
  });

  test("LTV: average, median and the first-order cohorts at 30/90/180/365 days", async () => {
    expect(await reports.getLtvReport(t.db, shopId, range)).toEqual({
      customers: 5,
      average: 12_000,
      median: 12_000,
      cohorts: [
        { cohort: "2026-01", customers: 1, at30: 15_000, at90: 17_000, at180: null, at365: null },
        { cohort: "2026-02", customers: 2, at30: 7_000, at90: 9_000, at180: null, at365: null },
        { cohort: "2026-03", customers: 2, at30: 12_000, at90: 12_500, at180: null, at365: null },
      ],
    });
  });

  test("the migration's back-fill of the LTV windows gives what the rollups give", async () => {
    const windows = { ltv30: true, ltv90: true, ltv180: true, ltv365: true, id: true } as const;
    const fromRollups = await t.db.customer.findMany({ where: { shopId }, select: windows, orderBy: { id: "asc" } });
    expect(fromRollups.some((c) => c.ltv30 > 0n && c.ltv90 > c.ltv30)).toBe(true);
    await t.db.customer.updateMany({ where: { shopId }, data: { ltv30: 0n, ltv90: 0n, ltv180: 0n, ltv365: 0n } });
    const dir = dialectOf(t.db) === "postgresql" ? "prisma/postgres/migrations" : "prisma/migrations";
    const migration = readdirSync(dir).find((name) => name.endsWith("_customer_ltv_windows"));
    const sql = readFileSync(path.join(dir, String(migration), "migration.sql"), "utf8");
    const backfill = /-- Backfill[^\n]*\n(UPDATE "Customer"[\s\S]*?;)/.exec(sql)?.[1];
    expect(backfill).toBeDefined();
    await t.db.$executeRawUnsafe(String(backfill));
    expect(await t.db.customer.findMany({ where: { shopId }, select: windows, orderBy: { id: "asc" } })).toEqual(
      fromRollups,
    );
  });

  test("repeat rate, F2 within windows, F3, F4, funnel, median days to the second order", async () => {
    expect(await reports.getRepeatReport(t.db, shopId, range)).toEqual({
      customers: 5,
      repeatCustomers: 3,
      f2Rate: 0.6,
      f2Within: [
        { days: 30, eligible: 5, rate: 0.4 },
        { days: 60, eligible: 5, rate: 0.6 },
        { days: 90, eligible: 5, rate: 0.6 },
        { days: 180, eligible: 0, rate: 0 },
      ],
      f3Rate: 0.666667,
      f4Rate: 0.5,
      funnel: [
        { stage: 1, customers: 5, conversion: 1 },
        { stage: 2, customers: 3, conversion: 0.6 },
        { stage: 3, customers: 2, conversion: 0.666667 },
        { stage: 4, customers: 1, conversion: 0.5 },
        { stage: 5, customers: 0, conversion: 0 },
      ],
      medianDaysToSecondOrder: 15,
    });
  });

  test("monthly cohort retention in shop-local months", async () => {
    expect(await reports.getCohortReport(t.db, shopId, range)).toEqual({
      cohorts: [
        { cohort: "2026-01", customers: 1, retention: [1, 0, 1, 0, 0, 0] },
        { cohort: "2026-02", customers: 2, retention: [1, 0, 0.5, 0, 0] },
        { cohort: "2026-03", customers: 2, retention: [1, 0.5, 0.5, 0] },
      ],
    });
  });

  test("Pareto: top 20% (2 of 6) bring 40,000 of 65,000", async () => {
    const pareto = await reports.getParetoReport(t.db, shopId, range);
    expect(pareto).toMatchObject({ customers: 6, netRevenue: 65_000, top20Share: 0.615385 });
    expect(pareto.deciles.map((d) => d.revenue)).toEqual([23_000, 17_000, 0, 12_000, 0, 6_000, 5_000, 0, 2_000, 0]);
    expect(pareto.deciles[9]!.cumulativeShare).toBe(1);
  });

  test("RFM: scores, grid, thresholds and segments", async () => {
    const rfm = await reports.getRfmReport(t.db, shopId, range);
    expect(rfm.customers).toBe(5);
    expect(rfm.thresholds).toEqual({
      recencyDays: [75, 102, 106, 125],
      orders: [2, 3, 4],
      monetary: [6_000, 12_000, 17_000, 23_000],
    });
    // E r5/fm5, B r4/fm3, A r3/fm4, D r2/fm1, C r1/fm2
    expect(rfm.grid[4]![4]).toBe(1);
    expect(rfm.grid[3]![2]).toBe(1);
    expect(rfm.grid[2]![3]).toBe(1);
    expect(rfm.grid[1]![0]).toBe(1);
    expect(rfm.grid[0]![1]).toBe(1);
    const by = Object.fromEntries(rfm.segments.map((s) => [s.key, s]));
    expect(by.champions).toMatchObject({ customers: 1, revenue: 23_000, averageRecencyDays: 45, averageOrders: 4 });
    expect(by.loyal).toMatchObject({ customers: 1, revenue: 17_000 });
    expect(by.potential_loyalists).toMatchObject({ customers: 1, revenue: 12_000 });
    expect(by.hibernating).toMatchObject({ customers: 2, share: 0.4, revenue: 8_000, averageRecencyDays: 115.5 });
  });

  test("CLV: too few customers for the model, so the historical run rate, with the reason", async () => {
    const clv = await reports.getClvReport(t.db, shopId, range);
    expect(clv).toMatchObject({
      method: "historical",
      reason: "fewer than 100 customers",
      customers: 5,
      parameters: null,
    });
    // tenures are all under a year, so each customer's net revenue so far is their year
    expect(clv.totalPredicted12m).toBe(60_000);
  });

  test("scenario effect: counts, last-click attribution, revenue per recipient, lift", async () => {
    const { scenarios, total, attributionDays } = await reports.getScenarioReport(t.db, shopId, range);
    expect(attributionDays).toBe(5);
    const cart = scenarios.find((s) => s.key === "cart_abandonment");
    const welcome = scenarios.find((s) => s.key === "welcome");
    expect(cart).toMatchObject({
      planned: 3,
      heldOut: 1,
      sent: 2,
      delivered: 2,
      opened: 1,
      clicked: 1,
      unsubscribed: 1,
      attributedOrders: 1,
      attributedRevenue: 5_000,
      revenuePerRecipient: 2_500,
    });
    expect(cart?.lift).toMatchObject({
      sentConversion: 0.5,
      heldOutConversion: 1,
      // Newcombe's hybrid score interval (continuity-corrected Wilson for 1/2 and 1/1); 1 held out is not enough data
      enoughData: false,
      sentRows: 2,
      heldOutRows: 1,
      conversionLift: -0.5,
      conversionLiftLow: -0.973323,
      conversionLiftHigh: 0.557249,
      revenuePerRecipientLift: -3_500,
      incrementalRevenue: -7_000,
    });
    expect(cart?.lift?.revenuePerRecipientLiftLow).toBeCloseTo(-3_500 - 1.959964 * 2_500, 2);
    // A's order of 25 January followed both of A's clicks: it goes to the later one (cart)
    expect(welcome).toMatchObject({
      planned: 2,
      sent: 2,
      clicked: 2,
      attributedOrders: 1,
      attributedRevenue: 1_000,
      revenuePerRecipient: 500,
      lift: null,
    });
    expect(scenarios.find((s) => s.key === "birthday")).toMatchObject({ planned: 0, lift: null });
    expect(total).toMatchObject({
      key: "total",
      planned: 5,
      heldOut: 1,
      sent: 4,
      clicked: 3,
      attributedOrders: 2,
      attributedRevenue: 6_000,
      revenuePerRecipient: 1_500,
    });
  });

  test("last-touch attribution counts opens too (window openAttributionDays, 0 = clicks only); a later touch takes the order", async () => {
    const { shopId: opens, customerIds } = await seedReportsShop(t.db, "reports-opens.myshopify.com");
    const openRange = await reports.resolveReportRange(t.db, opens, {
      from: "2026-01-01",
      to: "2026-06-14",
      now: REPORTS_NOW,
    });
    // B opens a win-back email on 30 March and orders on 1 April without clicking.
    await t.db.message.create({
      data: {
        shopId: opens,
        customerId: must(customerIds.B, "customer B"),
        triggerKey: "test:opens",
        scenario: "winback",
        status: "sent",
        dueAt: new Date("2026-03-29T03:00:00Z"),
        sentAt: new Date("2026-03-29T03:00:00Z"),
        openedAt: new Date("2026-03-30T00:00:00Z"),
        createdAt: new Date("2026-03-29T02:00:00Z"),
      },
    });
    const withOpens = await reports.getScenarioReport(t.db, opens, openRange);
    expect(withOpens.openAttributionDays).toBe(5);
    expect(withOpens.scenarios.find((s) => s.key === "winback")).toMatchObject({
      opened: 1,
      clicked: 0,
      attributedOrders: 1,
      attributedOrdersByOpen: 1,
      attributedRevenue: 4_000,
    });
    // A opened cart at 04:00 and clicked at 05:00 on 24 January: the click is the last touch, so nothing changes there.
    expect(withOpens.scenarios.find((s) => s.key === "cart_abandonment")).toMatchObject({
      attributedOrders: 1,
      attributedOrdersByOpen: 0,
      attributedRevenue: 5_000,
    });
    expect(withOpens.total).toMatchObject({
      attributedOrders: 3,
      attributedOrdersByOpen: 1,
      attributedRevenue: 10_000,
    });
    expect((await reports.getEmailRevenueReport(t.db, opens, openRange)).current.attributedRevenue).toBe(10_000);

    expect((await assignShopSettings(t.db, opens, ["openAttributionDays=0"])).ok).toBe(true);
    const clicksOnly = await reports.getScenarioReport(t.db, opens, openRange);
    expect(clicksOnly.scenarios.find((s) => s.key === "winback")).toMatchObject({
      attributedOrders: 0,
      attributedRevenue: 0,
    });
    expect(clicksOnly.total.attributedRevenue).toBe(6_000);
  });

  test("email-driven revenue against the same period last year", async () => {
    expect(await reports.getEmailRevenueReport(t.db, shopId, range)).toEqual({
      current: { fromDate: "2026-01-01", toDate: "2026-06-14", attributedOrders: 2, attributedRevenue: 6_000 },
      previousYear: { fromDate: "2025-01-01", toDate: "2025-06-14", attributedOrders: 1, attributedRevenue: 3_000 },
      change: 1,
    });
  });

  test("CSV export: one report's table, stable headers, CRLF rows, empty cells for nulls", async () => {
    expect(await reportCsvFor(t.db, shopId, range, "ltv")).toBe(
      "cohort,customers,ltv_30d,ltv_90d,ltv_180d,ltv_365d\r\n2026-01,1,15000,17000,,\r\n2026-02,2,7000,9000,,\r\n2026-03,2,12000,12500,,\r\n",
    );
    expect(await reportCsvFor(t.db, shopId, range, "summary")).toBe(
      `from,to,currency,customers,new_customers,repeat_customers,repeat_rate,orders,net_revenue,average_order_value\r\n2026-01-01,2026-06-14,JPY,6,5,4,0.666667,12,65000,5416.667\r\n`,
    );
    for (const report of CSV_REPORTS) {
      const [header] = (await reportCsvFor(t.db, shopId, range, report)).split("\r\n");
      expect(header, report).toMatch(/^[a-z_0-9]+(,[a-z_0-9]+)+$/);
    }
  });

  test("another shop's data never shows", async () => {
    const other = await seedReportsShop(t.db, "reports-other.myshopify.com");
    const otherRange = await reports.resolveReportRange(t.db, other.shopId, {
      from: "2026-01-01",
      to: "2026-06-14",
      now: REPORTS_NOW,
    });
    expect((await reports.getSummaryReport(t.db, shopId, range)).orders).toBe(12);
    expect((await reports.getSummaryReport(t.db, other.shopId, otherRange)).orders).toBe(12);
    expect((await reports.getScenarioReport(t.db, shopId, range)).total.planned).toBe(5);
  });
});
