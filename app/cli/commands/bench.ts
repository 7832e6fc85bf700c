import { readFileSync } from "node:fs";
import os from "node:os";
import Database from "better-sqlite3";
import { createDb } from "~/db.server";
import { shopifyWebhookHeaders } from "~/lib/webhook-signing";
import { orderWebhook } from "~/modules/platform/demo/sample-store";
import { waitForInboxDrained } from "~/modules/ingest/wait-for-inbox.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { freeLoopbackPort } from "../ports";
import { migratedSqliteFile } from "../bench-db";
import { benchReports } from "../bench-reports";
import { benchTick } from "../bench-tick";
import { benchPixel, pixelBenchPassed } from "../bench-pixel";
import { benchStorm } from "../bench-storm";
import { benchCustomerList } from "../bench-customer-list";
import { benchImport } from "../bench-import";
import { benchApply } from "../bench-apply";
import { benchApplyPostgres } from "../bench-apply-pg";
import { peakRssMb, startLocalServer } from "../local-server";
import { info, printJson } from "../output";
import type { Command } from "./index";
import { itemAt, percentileOf } from "~/lib/arrays";

const SHOP = "joren-bench.myshopify.com";

/** CPU seconds used so far by a process (every thread), or by one of its threads; null off Linux. */
function cpuSeconds(pid: number | undefined, tid?: number): number | null {
  try {
    const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
    const fields = readFileSync(path, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function percentile(sorted: number[], p: number): number {
  return percentileOf(sorted, p);
}

/** The database's own speed on this machine: one INSERT per transaction, as each webhook is one. */
function rawInsertsPerSecond(file: string, count: number): number {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  const shopId = "raw-bench-shop";
  sqlite
    .prepare(`INSERT INTO "Shop" (id, domain, updatedAt) VALUES (?, ?, ?)`)
    .run(shopId, "raw.myshopify.com", Date.now());
  const insert = sqlite.prepare(
    `INSERT INTO "WebhookReceipt" (id, shopId, webhookId, topic, receivedAt, status, body, attempts) VALUES (?, ?, ?, 'orders/create', ?, 'pending', ?, 0)`,
  );
  const body = orderWebhook({
    orderNumber: 1,
    customerNumber: 1,
    email: "a@example.jp",
    productIndex: 0,
    quantity: 1,
    createdAt: new Date(),
    consent: "subscribed",
    locale: "ja",
  }).body;
  const started = performance.now();
  for (let i = 0; i < count; i++) insert.run(`raw-${i}`, shopId, `wh-${i}`, Date.now(), body);
  const seconds = (performance.now() - started) / 1000;
  sqlite.close();
  return Math.round(count / seconds);
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

async function benchIngest(options: { webhooks: number; concurrency: number }) {
  const file = migratedSqliteFile("ingest");
  const databaseUrl = `file:${file}`;
  const db = await createDb(databaseUrl);
  await registerLocalShop({ db, domain: SHOP });
  const secret = "bench-secret";
  const server = await startLocalServer({ port: await freeLoopbackPort(), databaseUrl, secret });
  const bodies = Array.from(
    { length: options.webhooks },
    (_, i) =>
      orderWebhook({
        orderNumber: i,
        customerNumber: i % Math.max(1, Math.floor(options.webhooks / 3)),
        email: `c${i % 1000}@example.jp`,
        productIndex: i % 6,
        quantity: 1 + (i % 3),
        createdAt: new Date(Date.now() - (i % 300) * 86_400_000),
        consent: "subscribed",
        locale: "ja",
      }).body,
  );
  // Signed up front: the load generator shares the machine, and its own work should not be timed.
  const requests = bodies.map((body) => ({
    body,
    headers: shopifyWebhookHeaders({ secret, body, topic: "orders/create", shop: SHOP }),
  }));
  const latencies: number[] = [];
  let next = 0;
  let refused = 0;
  info(`ingest: ${options.webhooks} signed orders/create webhooks, ${options.concurrency} concurrent connections…`);
  const pid = server.child.pid;
  const cpuBefore = { server: cpuSeconds(pid), ackThread: cpuSeconds(pid, pid), client: process.cpuUsage() };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < requests.length) {
        const { body, headers } = itemAt(requests, next++, "request");
        const t0 = performance.now();
        const response = await fetch(`${server.url}/webhooks`, { method: "POST", headers, body });
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (response.status !== 200) refused++;
      }
    }),
  );
  const ackSeconds = (performance.now() - started) / 1000;
  // CPU while acking: the server (ack thread + inbox worker thread), its main thread alone, this load generator
  const loadAtAckEnd = os.loadavg()[0] ?? 0;
  const serverCpu = cpuSeconds(pid);
  const ackThreadCpu = cpuSeconds(pid, pid);
  const clientCpu = process.cpuUsage(cpuBefore.client);
  const perAckMs = (after: number | null, before: number | null) =>
    after === null || before === null ? null : Number((((after - before) * 1000) / options.webhooks).toFixed(3));
  const cpuMsPerAck = {
    server: perAckMs(serverCpu, cpuBefore.server),
    ackThread: perAckMs(ackThreadCpu, cpuBefore.ackThread),
    loadGenerator: Number(((clientCpu.user + clientCpu.system) / 1000 / options.webhooks).toFixed(3)),
  };
  await waitForInboxDrained(db, 600_000, 200);
  const appliedSeconds = (performance.now() - started) / 1000;
  // the whole ingestion cost of a webhook: ack and apply, first send → last applied
  const serverCpuUntilApplied = perAckMs(cpuSeconds(pid), cpuBefore.server);
  const stored = await db.order.count();
  const peak = peakRssMb(server.child.pid);
  await server.stop();
  await db.$disconnect();
  latencies.sort((a, b) => a - b);
  const raw = rawInsertsPerSecond(migratedSqliteFile("raw"), Math.min(options.webhooks, 20_000));
  return {
    webhooks: options.webhooks,
    concurrency: options.concurrency,
    webhooksPerSecond: Math.round(options.webhooks / ackSeconds),
    appliedPerSecond: Math.round(options.webhooks / appliedSeconds),
    p50Ms: Number(percentile(latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
    refused,
    lost: options.webhooks - stored,
    rawInsertsPerSecond: raw,
    /** CPU ms per webhook while acking: server process, its ack (main) thread, the load generator */
    cpuMsPerAck,
    /** server CPU ms per webhook from first send to last applied (ack + apply, both threads) */
    serverCpuMsPerWebhook: serverCpuUntilApplied,
    /** load average (1 min) when the acks ended: the machine is shared */
    loadAverage: Number(loadAtAckEnd.toFixed(2)),
    peakRssMb: peak,
    database: "sqlite (embedded, WAL)",
  };
}

export const benchCommand: Command = {
  usage:
    "bench [--storm 20000] [--customer-list 100000] [--webhooks 5000] [--pixel-requests 3000] [--concurrency 16] [--apply-orders 10000] [--apply-pg-orders 10000] [--apply-pg 10000] [--tick-orders 10000,100000] [--report-orders 100000] [--import-orders 100000,1000000] [--json]",
  summary:
    "benchmarks: ingestion (signed webhooks over HTTP vs the database's raw insert rate), pixel events under a storm, one engine tick per store size, reports and the history import",
  help: "--apply-orders N: N orders/create receipts stored first, then applied by one in-process worker (ingest.inProcessApply: the apply rate without HTTP or acks); 0 to skip.\n--apply-pg-orders N: the same N receipts on PostgreSQL (PG_TEST_URL), drained by one app instance, then by two (processes of their own, each with its own pool) in a fresh schema each (ingest.postgresql.applied: orders/s, CPU per instance and of its PostgreSQL backends, lock waits sampled, speedup, separateMachinesSpeedup); 0 to skip. --apply-pg N runs only that.\n--customer-list N runs only the Customers page's list query (count + one page of 50) for each sort and filter on a shop of N customers, first/middle/last page, on SQLite and PostgreSQL (PG_TEST_URL).\n--storm N runs only the webhook storm (N signed webhooks, mixed topics, redeliveries, out-of-order updates) against 1 instance on SQLite, then 1 and 2 on PostgreSQL (PG_TEST_URL, default postgresql://root@127.0.0.1:5432/test; postgresqlAppliedSpeedup = applied/s of 2 over 1), and checks the mirror.\n--tick-orders takes a comma-separated list of store sizes in orders (1% of customers due); add 1000000 for the full run.\n--pixel-requests N: pixel requests (1–3 events each) posted while as many storm webhooks arrive, 1 instance on SQLite and 2 on PostgreSQL; 0 to skip.\n--report-orders: the store size for the reports phase (every report once, timed); 1000000 for the full run, 0 to skip.\n--import-orders: comma-separated synthetic history sizes in orders, each imported from a generated bulk JSONL in a process of its own (seconds, orders/s, peak RSS); default 100000, 0 to skip.",
  options: {
    storm: { type: "string" },
    "customer-list": { type: "string" },
    webhooks: { type: "string" },
    concurrency: { type: "string" },
    "tick-orders": { type: "string" },
    "report-orders": { type: "string" },
    "pixel-requests": { type: "string" },
    "import-orders": { type: "string" },
    "apply-orders": { type: "string" },
    "apply-pg-orders": { type: "string" },
    "apply-pg": { type: "string" },
    json: { type: "boolean" },
  },
  async run(values) {
    const machine = machineInfo();
    info(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, node ${machine.node}`);
    if (values["customer-list"] !== undefined) {
      const customerList = await benchCustomerList(
        {
          customers: Number(values["customer-list"]) || 100_000,
          postgresUrl: process.env.PG_TEST_URL ?? "postgresql://root@127.0.0.1:5432/test",
        },
        info,
      );
      printJson({ machine, customerList });
      return 0;
    }
    const postgresUrl = process.env.PG_TEST_URL ?? "postgresql://root@127.0.0.1:5432/test";
    if (values["apply-pg"] !== undefined) {
      // PostgreSQL's apply rate with one app instance, then two (issue #13: two ≥ 1.5 × one)
      const applied = await benchApplyPostgres({ orders: Number(values["apply-pg"]) || 10_000, postgresUrl }, info);
      printJson({
        machine,
        ingest: { postgresql: applied ? { applied } : { skipped: `not reachable at ${postgresUrl}` } },
      });
      return !applied || (applied.oneInstance.lost === 0 && applied.twoInstances.lost === 0) ? 0 : 1;
    }
    if (values.storm !== undefined) {
      // the storm alone: mixed topics, redeliveries, out-of-order updates; 1 instance on SQLite, 2 on PostgreSQL
      const storm = await benchStorm(
        {
          webhooks: Number(values.storm) || 20_000,
          concurrency: Number(values.concurrency ?? 16),
          postgresUrl,
        },
        info,
      );
      // applied/s of two PostgreSQL instances over one (issue #13: ≥ 1.5)
      const applied = (database: string) => {
        const run = storm.find((r) => r.database.startsWith(database) && !("skipped" in r));
        return run && "appliedPerSecond" in run ? run.appliedPerSecond : null;
      };
      const one = applied("postgresql (one app instance)");
      const two = applied("postgresql (one database, 2");
      printJson({
        machine,
        storm,
        ...(one && two ? { postgresqlAppliedSpeedup: Number((two / one).toFixed(2)) } : {}),
      });
      return storm.every(
        (r) =>
          "skipped" in r ||
          (r.lost === 0 && r.duplicated === 0 && r.stale === 0 && r.notApplied === 0 && r.refused === 0),
      )
        ? 0
        : 1;
    }
    const applyOrders = Number(values["apply-orders"] ?? 10_000);
    const ingest = {
      ...(await benchIngest({
        webhooks: Number(values.webhooks ?? 5000),
        concurrency: Number(values.concurrency ?? 16),
      })),
      // the apply rate alone: receipts already in the inbox, one worker in this process
      ...(applyOrders > 0 ? { inProcessApply: await benchApply(applyOrders, info) } : {}),
    };
    // the same on PostgreSQL, one app instance vs two (processes of their own, one database)
    const applyPgOrders = Number(values["apply-pg-orders"] ?? 10_000);
    const postgresApplied =
      applyPgOrders > 0 ? await benchApplyPostgres({ orders: applyPgOrders, postgresUrl }, info) : null;
    const pixelRequests = Number(values["pixel-requests"] ?? 3000);
    const pixel =
      pixelRequests > 0
        ? await benchPixel({ requests: pixelRequests, webhooks: pixelRequests, concurrency: 8, postgresUrl }, info)
        : null;
    const tickSizes = String(values["tick-orders"] ?? "10000,100000")
      .split(",")
      .map(Number)
      .filter((n) => n > 0);
    const sizes = [];
    for (const orders of tickSizes) sizes.push(await benchTick(orders, info));
    const reportOrders = Number(values["report-orders"] ?? 100_000);
    const reports = reportOrders > 0 ? await benchReports(reportOrders, info) : null;
    const importSizes = String(values["import-orders"] ?? "100000")
      .split(",")
      .map(Number)
      .filter((n) => n > 0);
    const imports = [];
    for (const orders of importSizes) imports.push(await benchImport(orders, info));
    const result = {
      machine,
      ingest: {
        ...ingest,
        ...(applyPgOrders > 0
          ? {
              postgresql: postgresApplied
                ? { applied: postgresApplied }
                : { skipped: `not reachable at ${postgresUrl}` },
            }
          : {}),
      },
      ...(pixel ? { pixel } : {}),
      tick: { sizes },
      ...(reports ? { reports } : {}),
      ...(imports.length > 0 ? { import: { ...imports[imports.length - 1], sizes: imports } } : {}),
    };
    if (values.json) printJson(result);
    else {
      info(
        `ingest: ${ingest.webhooksPerSecond} webhooks/s acked (p50 ${ingest.p50Ms} ms, p99 ${ingest.p99Ms} ms), ` +
          `${ingest.appliedPerSecond}/s applied, lost ${ingest.lost}, refused ${ingest.refused}, ` +
          `raw inserts ${ingest.rawInsertsPerSecond}/s, server peak RSS ${ingest.peakRssMb} MB`,
      );
      printJson(result);
    }
    const pixelPassed = !pixel || (pixelBenchPassed(pixel.sqlite) && pixelBenchPassed(pixel.postgresql));
    const postgresAppliedAll =
      !postgresApplied || (postgresApplied.oneInstance.lost === 0 && postgresApplied.twoInstances.lost === 0);
    return ingest.lost === 0 &&
      ingest.refused === 0 &&
      pixelPassed &&
      postgresAppliedAll &&
      imports.every((i) => i.lost === 0)
      ? 0
      : 1;
  },
};
