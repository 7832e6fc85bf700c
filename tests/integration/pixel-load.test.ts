// Storefront events under load (issue #17): pixel events fired at the real server while a webhook
// storm is applied and ticks run (every instance's scheduler every 3 s, plus a CLI tick process).
// The pixel runs in the shopper's browser and never retries, so an event answered 2xx must be
// stored, exactly once, and no event may be answered 5xx. PostgreSQL: two instances, with a
// repeated event sent to both at once; SQLite (embedded) is one instance by design.
import { spawn } from "node:child_process";
import type { Db } from "~/db.server";
import { shopifyWebhookHeaders } from "~/lib/webhook-signing";
import { checkStorm, stormPlan } from "~/modules/demo/storm";
import { startAppServer, TEST_SECRET, type AppServer } from "../helpers/app-server";
import { enableScenario, registerSendingShop } from "../helpers/sending-shop";
import { createTestDb, type TestDb } from "../helpers/db";
import { waitForInbox } from "../helpers/webhooks";

const SHOP = "pixel-load.myshopify.com";
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
  await enableScenario(db, shopId, "browse_abandonment");
  for (let i = 0; i < INSTANCES; i++) {
    servers.push(await startAppServer({ databaseUrl: t.url, env: { JOREN_DISABLE_SCHEDULER: "0", JOREN_TICK_CRON: "*/3 * * * * *", JOREN_LOG_LEVEL: "error", JOREN_MAIL_TOKEN_SECRET: "s".repeat(40) } }));
  }
}, 120_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await t?.close();
});

interface PixelRequest {
  body: string;
  eventIds: string[];
}

/** `count` requests of 1–3 events from up to 60 browsers; every tenth repeats an earlier request. */
function pixelPlan(count: number): PixelRequest[] {
  const plan: PixelRequest[] = [];
  const names = ["page_viewed", "product_viewed", "product_added_to_cart"] as const;
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9) {
      plan.push(plan[i - 7]);
      continue;
    }
    const clientId = `load-client-${i % 60}`;
    const events = Array.from({ length: 1 + (i % 3) }, (_, k) => {
      const name = names[(i + k) % names.length];
      const productVariant = { id: String(45_600_000_000_000_000n + BigInt(i % 7)), product: { id: String(820_982_911_946_154_500n + BigInt(i % 7)), url: "/products/tea" } };
      const data = name === "page_viewed" ? {} : name === "product_viewed" ? { productVariant } : { cartLine: { quantity: 1, merchandise: productVariant } };
      return {
        id: `load-evt-${i}-${k}`,
        name,
        clientId,
        timestamp: new Date(Date.now() - 60_000).toISOString(),
        context: { document: { location: { href: `https://${SHOP}/products/tea` } } },
        data,
      };
    });
    plan.push({ body: JSON.stringify({ shop: SHOP, customer: null, events }), eventIds: events.map((e) => e.id) });
  }
  return plan;
}

test(`${INSTANCES} instance(s): pixel events during a webhook storm and ticks are each stored once, never a 5xx`, { timeout: 300_000 }, async () => {
  const storm = stormPlan({ count: 600, seed: 17, customers: 40, checkoutAgeMinutes: 120 });
  const pixel = pixelPlan(900);
  const accepted = new Set<string>();
  const pixelStatuses = new Map<number, number>();
  const stormStatuses = new Map<number, number>();
  const tally = (map: Map<number, number>, status: number) => map.set(status, (map.get(status) ?? 0) + 1);

  // A CLI tick process races the instances' scheduled ticks while the traffic arrives.
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: t.url, JOREN_MAIL_TOKEN_SECRET: "s".repeat(40), SHOPIFY_APP_URL: "https://joren.test" };
  delete env.SENDGRID_API_KEY;
  const cli = spawn(process.execPath, ["--import", "tsx", "app/cli/main.ts", "tick", "--shop", SHOP], { env, stdio: ["ignore", "ignore", "pipe"] });
  let cliErr = "";
  cli.stderr.on("data", (d) => (cliErr += d));
  const cliExit = new Promise<number | null>((resolve) => cli.on("exit", (code) => resolve(code)));

  let nextWebhook = 0;
  const webhooks = Array.from({ length: 8 }, async () => {
    while (nextWebhook < storm.deliveries.length) {
      const i = nextWebhook++;
      const d = storm.deliveries[i];
      const headers = shopifyWebhookHeaders({ secret: TEST_SECRET, body: d.body, topic: d.topic, shop: SHOP, webhookId: d.webhookId });
      // A webhook ack may answer 503 when the database stays locked for seconds (an overloaded
      // machine): Shopify then delivers it again, and so does this sender.
      for (let attempt = 1; ; attempt++) {
        const answer = await fetch(`${servers[i % servers.length].url}/webhooks`, { method: "POST", headers, body: d.body });
        tally(stormStatuses, answer.status);
        await answer.arrayBuffer();
        if (answer.status !== 503 || attempt === 5) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  });
  let nextPixel = 0;
  const pixels = Array.from({ length: 8 }, async () => {
    while (nextPixel < pixel.length) {
      const i = nextPixel++;
      const request = pixel[i];
      // every fifth request reaches every instance at the same moment (same event ids)
      const targets = i % 5 === 0 ? servers : [servers[i % servers.length]];
      const answers = await Promise.all(
        targets.map((s) => fetch(`${s.url}/pixel/events`, { method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body: request.body })),
      );
      for (const answer of answers) {
        tally(pixelStatuses, answer.status);
        await answer.arrayBuffer();
        if (answer.ok) for (const id of request.eventIds) accepted.add(id);
      }
    }
  });
  await Promise.all([...webhooks, ...pixels]);

  expect(Object.fromEntries(pixelStatuses)).toEqual({ 200: pixel.length + Math.ceil(pixel.length / 5) * (INSTANCES - 1) });
  expect([...stormStatuses.keys()].filter((status) => status !== 503)).toEqual([200]);
  expect(accepted.size).toBe(new Set(pixel.flatMap((r) => r.eventIds)).size);

  // Applied behind the answer: wait until the accepted events are in, then count them.
  const deadline = Date.now() + 120_000;
  let stored = 0;
  while (Date.now() < deadline) {
    stored = await db.behaviourEvent.count({ where: { shopId, eventId: { startsWith: "load-evt-" } } });
    if (stored >= accepted.size) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const rows = await db.behaviourEvent.findMany({ where: { shopId, eventId: { startsWith: "load-evt-" } }, select: { eventId: true } });
  const ids = rows.map((r) => r.eventId);
  expect(ids.length).toBe(new Set(ids).size);
  expect(new Set(ids)).toEqual(accepted);
  const browsers = new Set(pixel.flatMap((r) => (JSON.parse(r.body) as { events: { clientId: string }[] }).events.map((e) => e.clientId)));
  expect(await db.visitor.count({ where: { shopId, clientId: { startsWith: "load-client-" } } })).toBe(browsers.size);

  await waitForInbox(db, 180_000);
  expect(await checkStorm(db, shopId, storm.expected)).toEqual({ lost: 0, duplicated: 0, stale: 0, notApplied: 0 });
  expect(await cliExit, cliErr).toBe(0);
  for (const server of servers) expect(server.process.exitCode).toBeNull();
});
