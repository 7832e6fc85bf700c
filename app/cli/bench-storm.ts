// `bench --storm N`: a webhook storm (app/modules/platform/demo/storm.ts: mixed topics, redeliveries of
// the same webhook id, out-of-order updates) from this process over loopback against one
// instance on SQLite, then one and two instances on one PostgreSQL database (a fresh schema
// each), so applied/s of one PostgreSQL instance stands next to two. Redeliveries go to another
// instance than the first copy, as a load balancer would spread them. Measures the ack latency,
// waits until everything is applied, then compares the mirror with the expected state.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import { createDb, type Db } from "~/db.server";
import { shopifyWebhookHeaders } from "~/lib/webhook-signing";
import { checkStorm, stormPlan } from "~/modules/platform/demo/storm";
import { waitForInboxDrained } from "~/modules/ingest/wait-for-inbox.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { migratedSqliteFile } from "./bench-db";
import { peakRssMb, startLocalServer, type LocalServer } from "./local-server";
import { freeLoopbackPort } from "./ports";
import { sampleBackends } from "./pg-activity";
import { cycleAt, itemAt, percentileOf } from "~/lib/arrays";

const SHOP = "joren-storm.myshopify.com";
const SECRET = "bench-secret";

export function percentile(sorted: number[], p: number): number {
  return percentileOf(sorted, p);
}

/** a process's CPU (user + system, its threads included) from /proc; 0 when unreadable */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export async function postgresDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> } | null> {
  const pg = (await import("pg")).default;
  const schema = `bench_storm_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
  } catch {
    return null;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = `${baseUrl}${baseUrl.includes("?") ? "&" : "?"}schema=${schema}`;
  const { migratePostgres } = await import("../../scripts/migrate-postgres.mjs");
  await migratePostgres(url, () => {});
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA "${schema}" CASCADE`);
      await c.end();
    },
  };
}

async function runStorm(
  db: Db,
  servers: LocalServer[],
  options: { webhooks: number; concurrency: number; database: string },
  info: (m: string) => void,
  backends?: { monitor: Parameters<typeof sampleBackends>[0]; prefix: string },
) {
  const { shopId } = await registerLocalShop({ db, domain: SHOP });
  const plan = stormPlan({ count: options.webhooks, seed: 2026 });
  // Signed up front: the load generator shares the machine, and its own work should not be timed.
  const requests = plan.deliveries.map((d, i) => ({
    url: `${cycleAt(servers, d.duplicate ? i + 1 : i, "server").url}/webhooks`,
    body: d.body,
    headers: shopifyWebhookHeaders({
      secret: SECRET,
      body: d.body,
      topic: d.topic,
      shop: SHOP,
      webhookId: d.webhookId,
    }),
  }));
  info(
    `storm: ${options.webhooks} webhooks (${plan.expected.webhookIds} distinct ids) → ${servers.length} instance(s) on ${options.database}, ${options.concurrency} connections…`,
  );
  const latencies: number[] = [];
  let refused = 0;
  let next = 0;
  const cpuBefore = servers.map((s) => processCpuSeconds(s.child.pid));
  const loadBefore = os.loadavg()[0] ?? 0;
  const started = performance.now();
  const sampler = backends ? sampleBackends(backends.monitor, backends.prefix) : null;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < requests.length) {
        const r = itemAt(requests, next++, "request");
        const t0 = performance.now();
        const response = await fetch(r.url, { method: "POST", headers: r.headers, body: r.body });
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (response.status !== 200) refused += 1;
      }
    }),
  );
  const ackSeconds = (performance.now() - started) / 1000;
  info(`storm: acked in ${ackSeconds.toFixed(1)} s; waiting for the inbox to be applied…`);
  const drained = await waitForInboxDrained(db, 60 * 60_000, 500);
  const appliedSeconds = (performance.now() - started) / 1000;
  const activity = sampler ? await sampler.stop() : null;
  const check = await checkStorm(db, shopId, plan.expected);
  latencies.sort((a, b) => a - b);
  return {
    database: options.database,
    instances: servers.length,
    webhooks: options.webhooks,
    distinctWebhookIds: plan.expected.webhookIds,
    redeliveries: plan.deliveries.filter((d) => d.duplicate).length,
    concurrency: options.concurrency,
    ackedPerSecond: Math.round(options.webhooks / ackSeconds),
    p50Ms: Number(percentile(latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
    refused,
    drained,
    appliedSeconds: Math.round(appliedSeconds),
    appliedPerSecond: Math.round(plan.expected.webhookIds / appliedSeconds),
    ...check,
    serverPeakRssMb: servers.map((s) => peakRssMb(s.child.pid)),
    /** the servers' CPU (acks and applying) from start to the last receipt applied */
    serverCpuSeconds: servers.map((s, i) => Number((processCpuSeconds(s.child.pid) - (cpuBefore[i] ?? 0)).toFixed(2))),
    loadAverage: [Number(loadBefore.toFixed(2)), Number((os.loadavg()[0] ?? 0).toFixed(2))],
    /** PostgreSQL: the servers' backends on average (active, idle in a transaction, waiting for a lock) */
    ...(activity ? activity : {}),
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

export type StormResult = Awaited<ReturnType<typeof runStorm>> | { database: string; skipped: string };

/** The storm against one instance on SQLite, then one and two on PostgreSQL (when it is reachable). */
export async function benchStorm(
  options: { webhooks: number; concurrency: number; postgresUrl: string },
  info: (m: string) => void,
): Promise<StormResult[]> {
  const results: StormResult[] = [];
  {
    const databaseUrl = `file:${migratedSqliteFile("storm")}`;
    const db = await createDb(databaseUrl);
    const servers = await startServers(1, databaseUrl);
    try {
      results.push(await runStorm(db, servers, { ...options, database: "sqlite (embedded, WAL)" }, info));
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await db.$disconnect();
    }
  }
  for (const instances of [1, 2]) {
    const pg = await postgresDatabase(options.postgresUrl);
    if (!pg) {
      info(`storm: PostgreSQL not reachable at ${options.postgresUrl}; skipped (set PG_TEST_URL)`);
      results.push({ database: "postgresql", skipped: `not reachable at ${options.postgresUrl}` });
      return results;
    }
    const db = await createDb(pg.url);
    // the servers' connections carry a name, so their backends can be sampled
    const prefix = `joren-storm-${randomUUID().slice(0, 8)}`;
    const servers = await startServers(instances, `${pg.url}&application_name=${prefix}`);
    const pgClient = (await import("pg")).default;
    const monitor = new pgClient.Client({ connectionString: options.postgresUrl });
    await monitor.connect();
    try {
      const database =
        instances === 1 ? "postgresql (one app instance)" : `postgresql (one database, ${instances} app instances)`;
      results.push(await runStorm(db, servers, { ...options, database }, info, { monitor, prefix }));
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await monitor.end().catch(() => undefined);
      await db.$disconnect();
      await pg.drop();
    }
  }
  return results;
}
