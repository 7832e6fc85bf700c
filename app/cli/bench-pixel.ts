// `bench` → pixel: storefront events (app/modules/platform/demo/pixel-traffic.ts) posted while a webhook
// storm is acked and applied, against one instance on SQLite and two on one PostgreSQL
// database. Measures the pixel answers (events/s, p50, p99), then checks that every event
// answered 2xx is stored exactly once and that nothing was answered 5xx.
import { createDb, type Db } from "~/db.server";
import { shopifyWebhookHeaders } from "~/lib/webhook-signing";
import { waitForPixelEvents } from "~/modules/ingest/pixel/wait-for-pixel.server";
import { pixelTraffic } from "~/modules/platform/demo/pixel-traffic";
import { stormPlan } from "~/modules/platform/demo/storm";
import { waitForInboxDrained } from "~/modules/ingest/wait-for-inbox.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { migratedSqliteFile } from "./bench-db";
import { percentile, postgresDatabase } from "./bench-storm";
import { startLocalServer, type LocalServer } from "./local-server";
import { freeLoopbackPort } from "./ports";
import { cycleAt, itemAt } from "~/lib/arrays";

const SHOP = "joren-pixel.myshopify.com";
const SECRET = "bench-secret";

async function run(
  db: Db,
  servers: LocalServer[],
  options: { requests: number; webhooks: number; concurrency: number },
) {
  const { shopId } = await registerLocalShop({ db, domain: SHOP });
  const pixel = pixelTraffic({ shop: SHOP, requests: options.requests, browsers: 400, prefix: "bench" });
  const storm = stormPlan({ count: options.webhooks, seed: 2027 });
  const webhooks = storm.deliveries.map((d, i) => ({
    url: `${cycleAt(servers, i, "server").url}/webhooks`,
    body: d.body,
    headers: shopifyWebhookHeaders({
      secret: SECRET,
      body: d.body,
      topic: d.topic,
      shop: SHOP,
      webhookId: d.webhookId,
    }),
  }));
  const accepted = new Set<string>();
  const latencies: number[] = [];
  const webhookLatencies: number[] = [];
  let refused = 0;
  let serverErrors = 0;
  let acceptedEvents = 0;
  let nextPixel = 0;
  let nextWebhook = 0;
  const started = performance.now();
  const pixelDone = Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (nextPixel < pixel.length) {
        const i = nextPixel++;
        const t0 = performance.now();
        const request = itemAt(pixel, i, "pixel request");
        const response = await fetch(`${cycleAt(servers, i, "server").url}/pixel/events`, {
          method: "POST",
          headers: { "content-type": "text/plain" },
          body: request.body,
        });
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (response.ok) {
          acceptedEvents += request.eventIds.length;
          for (const id of request.eventIds) accepted.add(id);
        } else if (response.status === 503) refused += 1;
        else serverErrors += 1;
      }
    }),
  ).then(() => performance.now());
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (nextWebhook < webhooks.length) {
        const r = itemAt(webhooks, nextWebhook++, "webhook");
        const t0 = performance.now();
        const response = await fetch(r.url, { method: "POST", headers: r.headers, body: r.body });
        await response.arrayBuffer();
        webhookLatencies.push(performance.now() - t0);
      }
    }),
  );
  const pixelSeconds = ((await pixelDone) - started) / 1000;
  const applied = await waitForPixelEvents(db, shopId, accepted.size, 10 * 60_000, 200);
  const appliedSeconds = (performance.now() - started) / 1000;
  await waitForInboxDrained(db, 60 * 60_000, 500);
  const rows = await db.behaviourEvent.findMany({ where: { shopId }, select: { eventId: true } });
  const stored = new Set(rows.map((r) => r.eventId));
  latencies.sort((a, b) => a - b);
  webhookLatencies.sort((a, b) => a - b);
  return {
    instances: servers.length,
    requests: options.requests,
    events: acceptedEvents,
    distinctEvents: accepted.size,
    concurrency: options.concurrency,
    concurrentWebhooks: options.webhooks,
    eventsPerSecond: Math.round(acceptedEvents / pixelSeconds),
    p50Ms: Number(percentile(latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
    webhookP99Ms: Number(percentile(webhookLatencies, 99).toFixed(2)),
    refused,
    serverErrors,
    appliedWithinTimeout: applied,
    appliedSeconds: Math.round(appliedSeconds),
    lost: [...accepted].filter((id) => !stored.has(id)).length,
    duplicated: rows.length - stored.size,
  };
}

async function startServers(count: number, databaseUrl: string): Promise<LocalServer[]> {
  const servers: LocalServer[] = [];
  for (let i = 0; i < count; i++) {
    servers.push(
      await startLocalServer({
        port: await freeLoopbackPort(),
        databaseUrl,
        secret: SECRET,
        env: { JOREN_DISABLE_SCHEDULER: "1" },
      }),
    );
  }
  return servers;
}

export type PixelBenchRun = Awaited<ReturnType<typeof run>>;

/** Pixel events under a concurrent storm: SQLite (one instance), then PostgreSQL (two) when reachable. */
export async function benchPixel(
  options: { requests: number; webhooks: number; concurrency: number; postgresUrl: string },
  info: (m: string) => void,
) {
  const result: { sqlite: PixelBenchRun; postgresql: PixelBenchRun | { skipped: string } } = {} as never;
  info(
    `pixel: ${options.requests} pixel requests with ${options.webhooks} storm webhooks at once, ${options.concurrency} connections each…`,
  );
  {
    const url = `file:${migratedSqliteFile("pixel")}`;
    const db = await createDb(url);
    const servers = await startServers(1, url);
    try {
      result.sqlite = await run(db, servers, options);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await db.$disconnect();
    }
  }
  const pg = await postgresDatabase(options.postgresUrl);
  if (!pg) {
    result.postgresql = { skipped: `not reachable at ${options.postgresUrl}` };
    return result;
  }
  const db = await createDb(pg.url);
  const servers = await startServers(2, pg.url);
  try {
    result.postgresql = await run(db, servers, options);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await db.$disconnect();
    await pg.drop();
  }
  return result;
}

/** The benchmark's pass criteria: nothing answered 5xx but a full queue's 503, nothing lost or doubled. */
export function pixelBenchPassed(run: PixelBenchRun | { skipped: string }): boolean {
  return (
    "skipped" in run || (run.serverErrors === 0 && run.lost === 0 && run.duplicated === 0 && run.appliedWithinTimeout)
  );
}
