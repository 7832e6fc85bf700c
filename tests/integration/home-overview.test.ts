// Home's "Last 30 days" tiles: every figure covers those 30 days, with the Summary report's
// definitions (docs/reports.md), on the hand-computed shop of tests/helpers/reports-shop.ts.
import { afterAll, beforeAll, expect, test } from "vitest";
import { getSummaryReport, resolveReportRange } from "~/modules/reports";
import { getHomeOverview } from "~/modules/admin/shops/home-overview.server";
import { createTestDb, type TestDb } from "../helpers/db";
import { seedReportsShop } from "../helpers/reports-shop";

let t: TestDb;
let shopId: string;

beforeAll(async () => {
  t = await createTestDb();
  ({ shopId } = await seedReportsShop(t.db, "home-kpis.myshopify.com"));
});

afterAll(async () => {
  await t.close();
});

test("customers, new customers and repeat rate are the last 30 days', not all-time", async () => {
  // 30 days back from 21 March 03:00Z: 19 February 03:00Z. In it: A's third order (5 Mar), D's
  // first (1 Mar), E's first and second (15 and 20 Mar); C's order of 20 Feb is cancelled.
  const now = new Date("2026-03-21T03:00:00Z");
  const { kpis } = await getHomeOverview(t.db, shopId, now);
  expect(kpis).toMatchObject({ customers: 3, newCustomers: 2, repeatCustomers: 2, orders30d: 4 });
  // 3,000 − 1,000 refunded + 2,000 + 20,000 + 1,000
  expect(kpis.netRevenue30d).toBe(25_000);
  // The same figures as the Summary report over the same instants.
  const range = {
    ...(await resolveReportRange(t.db, shopId, { now })),
    from: new Date(now.getTime() - 30 * 86_400_000),
    to: now,
  };
  const summary = await getSummaryReport(t.db, shopId, range);
  expect(summary).toMatchObject({
    customers: 3,
    newCustomers: 2,
    repeatCustomers: 2,
    repeatRate: 0.666667,
    orders: 4,
    netRevenue: 25_000,
  });
});
