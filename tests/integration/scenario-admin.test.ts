// The Scenarios page's per-scenario orders, revenue and lift (the Reports page's last-click
// attribution over the same 30 days) and a scenario page's weekly trend, on the hand-computed
// reports shop (tests/helpers/reports-shop.ts); a second identical shop must not double anything.
import { formatLocalDate, localDate } from "~/modules/platform/time/local-dates";
import { resolveReportRange } from "~/modules/reports/range.server";
import { getScenarioReport } from "~/modules/reports/scenario-reports.server";
import { listScenarioOverview } from "~/modules/admin/scenarios/scenario-overview.server";
import { scenarioWeeklyTrend } from "~/modules/admin/scenarios/scenario-trend.server";
import { createTestDb, type TestDb } from "../helpers/db";
import { seedReportsShop } from "../helpers/reports-shop";

// 30 days back reaches A's welcome (22 Jan), A's cart email (24 Jan, clicked, A orders 25 Jan)
// and C's held-out cart row (8 Feb)
const NOW = new Date("2026-02-10T00:00:00Z");

let t: TestDb;
let shopId: string;

beforeAll(async () => {
  t = await createTestDb();
  shopId = (await seedReportsShop(t.db, "scenario-admin.myshopify.com")).shopId;
  await seedReportsShop(t.db, "scenario-admin-other.myshopify.com");
});
afterAll(async () => t.close());

test("the list shows each scenario's attributed orders, revenue and lift over the last 30 days", async () => {
  const { scenarios } = await listScenarioOverview(t.db, shopId, NOW);
  const cart = scenarios.find((s) => s.key === "cart_abandonment")!;
  const welcome = scenarios.find((s) => s.key === "welcome")!;
  // A's order of 25 January follows both of A's clicks: it is the cart email's (the last click)
  expect(cart.effect).toMatchObject({ attributedOrders: 1, attributedRevenue: 5_000 });
  expect(welcome.effect).toMatchObject({ attributedOrders: 0, attributedRevenue: 0, lift: null });
  // the lift is the report's for the same shop-local days
  const range = await resolveReportRange(t.db, shopId, {
    from: formatLocalDate(localDate(new Date(NOW.getTime() - 30 * 86_400_000), "Asia/Tokyo")),
    to: "2026-02-10",
    now: NOW,
  });
  const report = await getScenarioReport(t.db, shopId, range);
  expect(cart.effect.lift).not.toBeNull();
  expect(cart.effect.lift).toEqual(report.scenarios.find((s) => s.key === "cart_abandonment")!.lift);
  expect(scenarios.find((s) => s.key === "birthday")!.effect).toEqual({
    attributedOrders: 0,
    attributedRevenue: 0,
    lift: null,
  });
});

test("the weekly trend buckets sends, opens, clicks and attributed orders into seven-day spans ending now", async () => {
  const cart = await scenarioWeeklyTrend(t.db, shopId, "cart_abandonment", NOW, 4);
  expect(cart.map((w) => w.from)).toEqual([
    "2026-01-13T00:00:00.000Z",
    "2026-01-20T00:00:00.000Z",
    "2026-01-27T00:00:00.000Z",
    "2026-02-03T00:00:00.000Z",
  ]);
  expect(cart.map(({ sent, opened, clicked, orders }) => [sent, opened, clicked, orders])).toEqual([
    [0, 0, 0, 0],
    [1, 1, 1, 1],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ]);
  // welcome's click is earlier than cart's, so the order is not welcome's too
  const welcome = await scenarioWeeklyTrend(t.db, shopId, "welcome", NOW, 4);
  expect(welcome[1]).toMatchObject({ sent: 1, opened: 0, clicked: 1, orders: 0 });
  // a later window: D's cart email (1 April, unsubscribed, no click) and nothing else
  const april = await scenarioWeeklyTrend(t.db, shopId, "cart_abandonment", new Date("2026-04-05T00:00:00Z"), 2);
  expect(april.map((w) => [w.sent, w.clicked, w.orders])).toEqual([
    [0, 0, 0],
    [1, 0, 0],
  ]);
});
