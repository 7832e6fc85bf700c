// The offline demo end to end against the real server build: a small synthetic store fed over
// HTTP (signed webhooks, pixel events, signed app-proxy forms), the engine fast-forwarded over
// the live period, and a summary that must agree with itself, with the database and with the
// generator's truth. Then the demo's admin gateway: the admin opens with a genuine session token.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startDemoAdminGateway, type DemoAdminGateway } from "~/cli/demo-admin-gateway";
import { runDemo, type DemoSummary } from "~/cli/demo-run";
import { freeLoopbackPort } from "~/cli/ports";
import { customerProfile, syntheticStore, type SyntheticStoreOptions } from "~/modules/platform/demo/synthetic-store";
import { OFFER_WITHHELD } from "~/modules/mirror/guard/offer-policy";
import { startAppServer, TEST_SECRET, type AppServer } from "../helpers/app-server";
import { createTestDb, type TestDb } from "../helpers/db";

const SHOP = "joren-demo.myshopify.com";
const SEED = 42;
const CUSTOMERS = 60;
const DAYS = 20;
const HISTORY_DAYS = 150;
// A fixed instant, given to the server as its clock (JOREN_TEST_CLOCK), so every run plays the same
// timeline: 12:00 in Tokyo, the demo shop's zone, which keeps no daylight saving time.
const END = new Date("2026-05-20T03:00:00.000Z");
const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

let t: TestDb;
let server: AppServer;
let summary: DemoSummary;
let shopId: string;
const store: SyntheticStoreOptions = {
  shop: SHOP,
  seed: SEED,
  customers: CUSTOMERS,
  end: END,
  days: DAYS + HISTORY_DAYS,
};

beforeAll(async () => {
  t = await createTestDb();
  // The server's time starts at END (platform/time/clock.server.ts), as the wall clock's did when
  // END was "now"; the simulated mail client says when it opened or clicked
  // (app/modules/tracking/demo-clock.server.ts).
  server = await startAppServer({ databaseUrl: t.url, clock: END, env: { JOREN_DEMO_CLOCK: "1" } });
  summary = await runDemo({
    db: t.db,
    shop: SHOP,
    appUrl: server.url,
    secret: TEST_SECRET,
    seed: SEED,
    customers: CUSTOMERS,
    days: DAYS,
    historyDays: HISTORY_DAYS,
    tickMinutes: 120,
    end: END,
    now: server.now,
  });
  shopId = (await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id;
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await t?.close();
});

test("everything fed over HTTP was accepted and applied; nothing was lost", async () => {
  expect(summary.fed.webhooksRefused).toEqual({});
  expect(summary.fed.pixelRefused).toEqual({});
  expect(summary.fed.pixelEvents).toBeGreaterThan(0);
  // every storefront form the generator sent was taken (birthdays by logged-in customers, notify-me on sold-out items)
  const birthdayForms = [...syntheticStore(store)].filter(
    (e) => e.kind === "proxy" && e.path === "/proxy/birthday",
  ).length;
  expect(birthdayForms).toBeGreaterThan(0);
  expect(summary.fed.proxyForms["/proxy/birthday"]).toEqual({ saved: birthdayForms });
  const notifyMe = summary.fed.proxyForms["/proxy/back-in-stock"] ?? {};
  expect(Object.keys(notifyMe).every((outcome) => outcome === "subscribed" || outcome === "already")).toBe(true);
  expect(notifyMe.subscribed ?? 0).toBeGreaterThan(0);
  expect(Object.keys(summary.inbox).every((status) => status === "done" || status === "skipped")).toBe(true);
  const fedWebhooks = Object.values(summary.fed.webhooks).reduce((a, b) => a + b, 0);
  expect((summary.inbox.done ?? 0) + (summary.inbox.skipped ?? 0)).toBe(fedWebhooks);
  // every order sent is mirrored; the reports count the counted ones over the whole timeline
  expect(summary.mirror.orders).toBe(summary.fed.ordersSent);
  expect(summary.reports.orders).toBe(summary.mirror.countedOrders);
  expect(summary.mirror.countedOrders).toBeLessThanOrEqual(summary.mirror.orders);
  expect(summary.mirror.orders - summary.mirror.countedOrders).toBeLessThanOrEqual(
    (summary.fed.webhooks["orders/cancelled"] ?? 0) + (summary.fed.webhooks["refunds/create"] ?? 0),
  );
  expect(summary.mirror.behaviourEvents).toBe(summary.fed.pixelEvents);
});

test("messages by state add up to the ledger, and sends never exceed what was planned", async () => {
  const ledger = await t.db.message.count({ where: { shopId } });
  expect(summary.messages.total).toBe(ledger);
  expect(Object.values(summary.messages.byStatus).reduce((a, b) => a + b, 0)).toBe(ledger);
  for (const [scenario, counts] of Object.entries(summary.messages.byScenario)) {
    expect(await t.db.message.count({ where: { shopId, scenario, status: "sent" } })).toBe(counts.sent ?? 0);
  }
  expect(summary.messages.byStatus.sent ?? 0).toBeGreaterThan(0);
  expect(summary.messages.byStatus.sending ?? 0).toBe(0);
  for (const s of summary.reports.scenarios) {
    expect(s.sent).toBeLessThanOrEqual(s.planned);
    expect(s.sent).toBe(summary.messages.byScenario[s.key]?.sent ?? 0);
  }
  // more than the three first scenarios ran on the synthetic store
  expect(Object.keys(summary.messages.byScenario).length).toBeGreaterThanOrEqual(5);
});

test("no email to anyone who had not consented at that moment", async () => {
  expect(summary.sentWithoutConsent).toBe(0);
  const sent = await t.db.message.findMany({
    where: { shopId, status: "sent" },
    select: { email: true, sentAt: true },
  });
  const neverConsented = new Set(
    Array.from({ length: CUSTOMERS }, (_, n) => customerProfile(store, n))
      .filter((p) => p.consent === "not_subscribed")
      .map((p) => p.email),
  );
  expect(neverConsented.size).toBeGreaterThan(0);
  expect(sent.filter((m) => neverConsented.has(m.email ?? ""))).toEqual([]);
  // and the engine did meet them: their rows were skipped for consent
  expect(Object.keys(summary.messages.skippedReasons).some((reason) => reason.includes("consent"))).toBe(true);
});

test("guard interventions agree with the ledger's reasons", async () => {
  expect(summary.guard.offersWithheld).toBeGreaterThanOrEqual(0);
  expect(summary.guard.loyaltyVariantsSent).toBeLessThanOrEqual(summary.guard.offersWithheld);
  const withheld = await t.db.message.count({
    where: {
      shopId,
      status: "sent",
      sentAt: { gte: new Date(summary.timeline.liveFrom) },
      reason: { contains: OFFER_WITHHELD.split(" (")[0] },
    },
  });
  expect(summary.guard.offersWithheld).toBe(withheld);
  expect(summary.guard.firstPurchaseRedemptionsByRepeat).toBe(0);
});

test("the simulated mail client opened and clicked through the signed endpoints, so every revenue column has data", async () => {
  expect(summary.fed.mailRefused).toEqual({});
  expect(summary.fed.mailOpens).toBeGreaterThan(0);
  expect(summary.fed.mailClicks).toBeGreaterThan(0);
  // recorded by the endpoints themselves, at the simulated instants
  const opened = await t.db.message.count({ where: { shopId, openedAt: { not: null } } });
  const clicked = await t.db.message.count({ where: { shopId, clickedAt: { not: null } } });
  expect(opened).toBe(summary.fed.mailOpens);
  expect(clicked).toBe(summary.fed.mailClicks);
  const late = await t.db.message.count({ where: { shopId, openedAt: { gt: END } } });
  expect(late).toBe(0);
  const total = summary.reports.scenarios.reduce(
    (s, x) => ({
      opened: s.opened + x.opened,
      clicked: s.clicked + x.clicked,
      revenue: s.revenue + x.attributedRevenue,
    }),
    { opened: 0, clicked: 0, revenue: 0 },
  );
  expect(total.opened).toBeGreaterThan(0);
  expect(total.clicked).toBeGreaterThan(0);
  expect(total.revenue).toBeGreaterThan(0);
});

test("the reports describe the store: spend concentrates, some customers come back", () => {
  expect(summary.reports.customers).toBeGreaterThan(0);
  expect(summary.reports.repeatRate).toBeGreaterThan(0);
  expect(summary.reports.repeatRate).toBeLessThan(1);
  expect(summary.reports.f2Rate).toBeGreaterThan(0);
  expect(summary.reports.paretoTop20Share).toBeGreaterThan(0.4);
  expect(summary.reports.paretoTop20Share).toBeLessThanOrEqual(1);
  expect(summary.reports.averageLtv).toBeGreaterThan(0);
  expect(summary.timeline.ticks).toBe(DAYS * 12);
});

test("the demo's admin gateway opens the admin with a genuine session token, and a forged one gets nothing", async () => {
  const port = await freeLoopbackPort();
  let gateway: DemoAdminGateway | undefined;
  try {
    gateway = await startDemoAdminGateway({
      port,
      target: server.url,
      shop: SHOP,
      apiKey: "test-api-key",
      secret: TEST_SECRET,
    });
    const bare = await fetch(`${gateway.url}/app/scenarios`, {
      redirect: "manual",
      headers: { "User-Agent": BROWSER_UA },
    });
    expect(bare.status).toBe(302);
    const location = new URL(bare.headers.get("location")!);
    expect(location.pathname).toBe("/app/scenarios");
    expect(location.searchParams.get("id_token")).toBeTruthy();

    const page = await fetch(gateway.adminUrl("/app"), { headers: { "User-Agent": BROWSER_UA } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/__joren_demo/app-bridge.js");
    expect(html).not.toContain("cdn.shopify.com/shopifycloud/app-bridge.js");

    const { token } = (await (await fetch(`${gateway.url}/__joren_demo/session-token`)).json()) as { token: string };
    const data = await fetch(`${gateway.url}/app/scenarios?_data=routes%2Fapp.scenarios._index`, {
      headers: { "User-Agent": BROWSER_UA, Authorization: `Bearer ${token}` },
    });
    expect(data.status).toBe(200);
    // the app itself still refuses a token not signed with its secret
    const [header, payload] = token.split(".");
    const forged = await fetch(`${gateway.url}/app/scenarios?_data=routes%2Fapp.scenarios._index`, {
      headers: { "User-Agent": BROWSER_UA, Authorization: `Bearer ${header}.${payload}.AAAA` },
    });
    expect(forged.status).toBe(401);
  } finally {
    await gateway?.close();
  }
});
