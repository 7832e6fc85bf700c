// Several app instances on one database, each receiving webhooks and running the scheduled ticks
// (PostgreSQL: two instances, as deployed behind a load balancer; SQLite, embedded, is one
// instance by design, so the SQLite half runs the single-instance variant). A storm of signed
// webhooks — redeliveries of the same webhook id to both instances at once, out-of-order
// updates — must land once each and leave exactly the expected mirror; the abandoned checkouts it
// creates must each produce one email, sent once, while the instances' ticks (and a CLI tick
// process on top) race for the same shop.
import { spawn } from "node:child_process";
import type { Db } from "~/db.server";
import { shopifyWebhookHeaders } from "~/lib/webhook-signing";
import { checkStorm, stormPlan } from "~/modules/platform/demo/storm";
import { startAppServer, TEST_SECRET, type AppServer } from "../helpers/app-server";
import { enableScenario, registerSendingShop } from "../helpers/sending-shop";
import { createTestDb, type TestDb } from "../helpers/db";
import { waitForInbox } from "../helpers/webhooks";
import { at } from "../helpers/must";

const SHOP = "multi-instance.myshopify.com";
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const INSTANCES = onPostgres ? 2 : 1;

let t: TestDb;
let db: Db;
let shopId: string;
const servers: AppServer[] = [];

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  shopId = await registerSendingShop(db, SHOP, ["holdoutPercent=0", "quietHours=off"]);
  await enableScenario(db, shopId, "cart_abandonment");
  for (let i = 0; i < INSTANCES; i++) {
    // every instance runs the scheduler, every 3 seconds
    servers.push(
      await startAppServer({
        databaseUrl: t.url,
        env: {
          JOREN_DISABLE_SCHEDULER: "0",
          JOREN_TICK_CRON: "*/3 * * * * *",
          JOREN_LOG_LEVEL: "error",
          JOREN_MAIL_TOKEN_SECRET: "s".repeat(40),
        },
      }),
    );
  }
}, 120_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await t?.close();
});

function post(server: AppServer, delivery: { topic: string; body: string; webhookId: string }) {
  const headers = shopifyWebhookHeaders({
    secret: TEST_SECRET,
    body: delivery.body,
    topic: delivery.topic,
    shop: SHOP,
    webhookId: delivery.webhookId,
  });
  return fetch(`${server.url}/webhooks`, { method: "POST", headers, body: delivery.body });
}

test(`${INSTANCES} instance(s): every webhook lands once, every email is sent once`, { timeout: 300_000 }, async () => {
  const plan = stormPlan({ count: 600, seed: 11, customers: 40, checkoutAgeMinutes: 120 });
  let next = 0;
  let sameIdOnBoth = 0;
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < plan.deliveries.length) {
        const i = next++;
        const delivery = at(plan.deliveries, i);
        // redeliveries and every fifth webhook go to all instances at the same moment
        const targets = delivery.duplicate || i % 5 === 0 ? servers : [servers[i % servers.length]];
        if (targets.length > 1) sameIdOnBoth += 1;
        const answers = await Promise.all(targets.map((s) => post(s!, delivery)));
        for (const answer of answers) {
          count(answer.status);
          await answer.arrayBuffer();
        }
      }
    }),
  );
  expect([...statuses.keys()]).toEqual([200]);
  if (INSTANCES > 1) expect(sameIdOnBoth).toBeGreaterThan(100);

  await waitForInbox(db, 180_000);
  const bad = await db.webhookReceipt.findMany({
    where: { shopId, status: { notIn: ["done", "skipped"] } },
    select: { topic: true, status: true, error: true },
    take: 5,
  });
  expect(bad).toEqual([]);
  expect(await checkStorm(db, shopId, plan.expected)).toEqual({ lost: 0, duplicated: 0, stale: 0, notApplied: 0 });

  // A CLI tick races the instances' scheduled ticks (it takes no lease: only the claims protect it).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: t.url,
    JOREN_MAIL_TOKEN_SECRET: "s".repeat(40),
    SHOPIFY_APP_URL: "https://joren.test",
  };
  delete env.SENDGRID_API_KEY;
  const cli = spawn(process.execPath, ["--import", "tsx", "app/cli/main.ts", "tick", "--shop", SHOP], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let cliErr = "";
  cli.stderr.on("data", (d) => (cliErr += d));
  const cliExit = new Promise<number | null>((resolve) => cli.on("exit", (code) => resolve(code)));

  // every customer with an abandoned checkout gets one cart reminder (the cap holds the rest)
  const customersWithCheckouts = await db.checkout.groupBy({
    by: ["customerId"],
    where: { shopId, customerId: { not: null } },
  });
  const deadline = Date.now() + 150_000;
  for (;;) {
    const open = await db.message.count({ where: { shopId, status: { in: ["planned", "sending"] } } });
    const sent = await db.message.count({ where: { shopId, status: "sent" } });
    if (open === 0 && sent >= customersWithCheckouts.length) break;
    if (Date.now() > deadline)
      throw new Error(`ticks did not finish: ${open} open, ${sent} of ${customersWithCheckouts.length} sent`);
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(await cliExit, cliErr).toBe(0);

  const sent = await db.message.findMany({ where: { shopId, status: "sent" }, select: { id: true, customerId: true } });
  const outbox = await db.outboxEmail.findMany({ where: { shopId }, select: { messageId: true, toEmail: true } });
  expect(sent).toHaveLength(customersWithCheckouts.length);
  expect(new Set(sent.map((m) => m.customerId)).size).toBe(sent.length);
  expect(outbox).toHaveLength(sent.length);
  expect(new Set(outbox.map((o) => o.messageId))).toEqual(new Set(sent.map((m) => m.id)));
  expect(new Set(outbox.map((o) => o.toEmail)).size).toBe(outbox.length);
  expect(await db.message.count({ where: { shopId, status: "failed" } })).toBe(0);
  for (const server of servers) expect(server.process.exitCode).toBeNull();
});
