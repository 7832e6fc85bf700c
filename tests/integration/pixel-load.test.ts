// Storefront events under load (issue #17): pixel events fired at the real server while a webhook
// storm is applied and ticks run (every instance's scheduler every 3 s, plus a CLI tick process).
// The pixel runs in the shopper's browser and never retries, so an event answered 2xx must be
// stored, exactly once, and no event may be answered 5xx. PostgreSQL: two instances, with a
// repeated event sent to both at once; SQLite (embedded) is one instance by design.
import { spawn } from "node:child_process";
import type { Db } from "~/db.server";
import { shopifyWebhookHeaders } from "~/lib/webhook-signing";
import { pixelTraffic } from "~/modules/platform/demo/pixel-traffic";
import { checkStorm, stormPlan } from "~/modules/platform/demo/storm";
import { startAppServer, TEST_SECRET, type AppServer } from "../helpers/app-server";
import { enableScenario, registerSendingShop } from "../helpers/sending-shop";
import { createTestDb, type TestDb } from "../helpers/db";
import { lockDatabase } from "../helpers/lock-db";
import { waitForInbox } from "../helpers/webhooks";

const PIXEL_TABLES = ["Visitor", "BehaviourEvent"];

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
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("under a webhook storm and ticks", () => {
  beforeAll(async () => {
    for (let i = 0; i < INSTANCES; i++) {
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
  });

  test(
    `${INSTANCES} instance(s): pixel events during a webhook storm and ticks are each stored once, never a 5xx`,
    { timeout: 600_000 },
    async () => {
      const storm = stormPlan({ count: 600, seed: 17, customers: 40, checkoutAgeMinutes: 120 });
      const pixel = pixelTraffic({ shop: SHOP, requests: 900 });
      const accepted = new Set<string>();
      const pixelStatuses = new Map<number, number>();
      const stormStatuses = new Map<number, number>();
      const tally = (map: Map<number, number>, status: number) => map.set(status, (map.get(status) ?? 0) + 1);

      // A CLI tick process races the instances' scheduled ticks while the traffic arrives.
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

      let nextWebhook = 0;
      const webhooks = Array.from({ length: 8 }, async () => {
        while (nextWebhook < storm.deliveries.length) {
          const i = nextWebhook++;
          const d = storm.deliveries[i];
          const headers = shopifyWebhookHeaders({
            secret: TEST_SECRET,
            body: d!.body,
            topic: d!.topic,
            shop: SHOP,
            webhookId: d!.webhookId,
          });
          // A webhook ack may answer 503 when the database stays locked for seconds (an overloaded
          // machine): Shopify then delivers it again, and so does this sender.
          for (let attempt = 1; ; attempt++) {
            const answer = await fetch(`${servers[i % servers.length]!.url}/webhooks`, {
              method: "POST",
              headers,
              body: d!.body,
            });
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
            targets.map((s) =>
              fetch(`${s!.url}/pixel/events`, {
                method: "POST",
                headers: { "content-type": "text/plain;charset=UTF-8" },
                body: request!.body,
              }),
            ),
          );
          for (const answer of answers) {
            tally(pixelStatuses, answer.status);
            await answer.arrayBuffer();
            if (answer.ok) for (const id of request!.eventIds) accepted.add(id);
          }
        }
      });
      await Promise.all([...webhooks, ...pixels]);

      expect(Object.fromEntries(pixelStatuses)).toEqual({
        200: pixel.length + Math.ceil(pixel.length / 5) * (INSTANCES - 1),
      });
      expect([...stormStatuses.keys()].filter((status) => status !== 503)).toEqual([200]);
      expect(accepted.size).toBe(new Set(pixel.flatMap((r) => r.eventIds)).size);

      // Applied behind the answer: wait until the accepted events are in, then count them.
      const deadline = Date.now() + 240_000;
      let stored = 0;
      while (Date.now() < deadline) {
        stored = await db.behaviourEvent.count({ where: { shopId, eventId: { startsWith: "load-evt-" } } });
        if (stored >= accepted.size) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const rows = await db.behaviourEvent.findMany({
        where: { shopId, eventId: { startsWith: "load-evt-" } },
        select: { eventId: true },
      });
      const ids = rows.map((r) => r.eventId);
      expect(ids.length).toBe(new Set(ids).size);
      expect(new Set(ids)).toEqual(accepted);
      const browsers = new Set(pixel.flatMap((r) => r.clientIds));
      expect(await db.visitor.count({ where: { shopId, clientId: { startsWith: "load-client-" } } })).toBe(
        browsers.size,
      );

      await waitForInbox(db, 240_000);
      expect(await checkStorm(db, shopId, storm.expected)).toEqual({ lost: 0, duplicated: 0, stale: 0, notApplied: 0 });
      expect(await cliExit, cliErr).toBe(0);
      for (const server of servers) expect(server.process.exitCode).toBeNull();
    },
  );
});

test(
  "the database locked (as by a long tick): answered 200 at once until the queue is full, then 503 with Retry-After; all accepted are stored once, even when the server is stopped",
  { timeout: 120_000 },
  async () => {
    const server = await startAppServer({
      databaseUrl: t.url,
      env: { JOREN_PIXEL_BUFFER_EVENTS: "4", JOREN_LOG_LEVEL: "error" },
    });
    const post = (id: string) =>
      fetch(`${server.url}/pixel/events`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({
          shop: SHOP,
          customer: null,
          event: { id, name: "page_viewed", clientId: "locked-client", timestamp: new Date().toISOString(), data: {} },
        }),
      });
    const storedOf = (prefix: string) =>
      db.behaviourEvent.count({ where: { shopId, eventId: { startsWith: prefix } } });
    const until = async (check: () => Promise<boolean>) => {
      const deadline = Date.now() + 30_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error("condition not met in time");
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      expect((await post("locked-warm")).status).toBe(200);
      await until(async () => (await storedOf("locked-warm")) === 1);

      let unlock = await lockDatabase(t.url, PIXEL_TABLES);
      try {
        for (let i = 0; i < 4; i++) {
          const started = performance.now();
          const answer = await post(`locked-a-${i}`);
          expect(answer.status).toBe(200);
          expect(performance.now() - started).toBeLessThan(2_000);
        }
        const full = await post("locked-refused");
        expect(full.status).toBe(503);
        expect(full.headers.get("retry-after")).toBe("5");
        expect(full.headers.get("access-control-allow-origin")).toBe("*");
      } finally {
        await unlock();
      }
      await until(async () => (await storedOf("locked-a-")) === 4);
      expect(await storedOf("locked-refused")).toBe(0);

      // Accepted but not yet written when the server is told to stop: written before it exits.
      unlock = await lockDatabase(t.url, PIXEL_TABLES);
      try {
        for (let i = 0; i < 3; i++) expect((await post(`locked-b-${i}`)).status).toBe(200);
        const exited = new Promise((resolve) => server.process.once("exit", resolve));
        server.process.kill("SIGTERM");
        await new Promise((r) => setTimeout(r, 300));
        expect(server.process.exitCode).toBeNull();
        await unlock();
        await exited;
      } finally {
        await unlock().catch(() => undefined);
      }
      expect(await storedOf("locked-b-")).toBe(3);
      expect(await storedOf("locked-")).toBe(1 + 4 + 3);
    } finally {
      await server.stop();
    }
  },
);
