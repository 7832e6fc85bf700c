// `ingest.postgresql.applied`: does applying scale with app instances on PostgreSQL? The same N
// orders/create receipts, stored first driver-direct (as the ack does) in a fresh schema, are
// drained by ONE instance, then — in another fresh schema — by TWO at once. Each instance is a
// process of its own (app/cli/bench-apply-pg-run.ts) with its own Prisma client and connection
// pool, as two `server.mjs` behind a load balancer would be; no HTTP, so the figure is the apply
// rate, independent of the acks. Next to the wall-clock rate: each instance's CPU seconds and
// PostgreSQL's own (its backends for this run, read from /proc when the server is local), because
// on a shared 2-core box the wall clock says more about the neighbours than about the code.
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb } from "~/db.server";
import { itemAt } from "~/lib/arrays";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { storeOrderReceipts } from "./bench-apply";
import { postgresDatabase } from "./bench-storm";
import { sampleBackends } from "./pg-activity";

/** Linux reports process CPU in clock ticks; 100 per second on every kernel this runs on */
const TICKS_PER_SECOND = 100;
/** receipts each instance applies before the clock starts (its own shop) */
const WARM_UP_ORDERS = 600;

interface InstanceFigures {
  workerId: string;
  /** this instance's CPU while draining (user + system) */
  cpuSeconds: number;
  /** the CPU of this instance's own PostgreSQL backends */
  postgresCpuSeconds: number;
  /**
   * cpuSeconds + postgresCpuSeconds: the instance's loop is serial (compute, then wait for its
   * statement), so with a core of its own, a database with spare cores and no lock waits, this is
   * its wall time — the load on a shared machine hardly changes it
   */
  criticalPathSeconds: number;
  /** from "go" to the last batch it applied */
  activeSeconds: number;
  done: number;
  retried: number;
  failed: number;
  /** warnings it logged, by message (set-based fallbacks, retries, failed batch transactions) */
  warnings: Record<string, number>;
}

export interface ApplyRun {
  instances: number;
  orders: number;
  /** orders in the mirror afterwards; `lost` = orders − stored */
  stored: number;
  lost: number;
  seconds: number;
  ordersPerSecond: number;
  perInstance: InstanceFigures[];
  /** the instances' CPU together */
  appCpuSeconds: number;
  /** PostgreSQL backends serving this run's instances (null: the server is not on this machine) */
  postgresCpuSeconds: number | null;
  /** every postgres process on the machine in the same window (WAL writer, checkpointer, other clients) */
  postgresAllProcessesCpuSeconds: number | null;
  /**
   * What this run's PostgreSQL backends were doing, sampled every 25 ms: on average how many were
   * `lock` waiting for a lock another transaction holds (the instances serialising each other),
   * `active` executing, `appInTransaction` idle inside a transaction (the app computing between
   * statements), `idle` outside one (the app validating, claiming, polling — or a spare pooled
   * connection)
   */
  backendStates: Record<string, number>;
  /** lock waits seen, by wait event (e.g. transactionid, tuple) */
  lockWaits: Record<string, number>;
  /** app + PostgreSQL backends, per applied order */
  cpuMsPerOrder: number | null;
  loadAverageBefore: number;
  loadAverageAfter: number;
}

export interface PostgresApplyBench {
  database: string;
  orders: number;
  oneInstance: ApplyRun;
  twoInstances: ApplyRun;
  /** twoInstances.ordersPerSecond / oneInstance.ordersPerSecond (issue #13's target: ≥ 1.5) */
  speedup: number;
  /**
   * The same ratio from CPU alone, for instances on machines of their own: one instance's
   * critical path over the longest of the two's (see InstanceFigures.criticalPathSeconds; valid
   * while lockWaits stay empty and the database has spare CPU)
   */
  separateMachinesSpeedup: number | null;
}

function procStat(pid: number): { comm: string; cpuTicks: number; childTicks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    // fields after "(comm)": state is field 3; utime 14, stime 15, cutime 16, cstime 17
    const fields = text
      .slice(close + 2)
      .split(" ")
      .map(Number);
    const at = (field: number) => fields[field - 3] ?? 0;
    return { comm, cpuTicks: at(14) + at(15), childTicks: at(16) + at(17) };
  } catch {
    return null;
  }
}

/** every postgres process's CPU, plus what the postmaster reaped from backends that exited */
function allPostgresTicks(): number | null {
  let ticks = 0;
  let seen = false;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat?.comm !== "postgres") continue;
    seen = true;
    ticks += stat.cpuTicks + stat.childTicks;
  }
  return seen ? ticks : null;
}

/** CPU ticks of the live backends whose application_name starts with `prefix`, by pid */
async function backendTicks(
  query: (sql: string, values: unknown[]) => Promise<{ rows: { pid: number; name: string }[] }>,
  prefix: string,
): Promise<Map<number, { name: string; ticks: number }>> {
  const { rows } = await query(
    `SELECT pid, application_name AS name FROM pg_stat_activity WHERE application_name LIKE $1`,
    [`${prefix}%`],
  );
  const ticks = new Map<number, { name: string; ticks: number }>();
  for (const { pid, name } of rows) {
    const stat = procStat(pid);
    if (stat) ticks.set(pid, { name, ticks: stat.cpuTicks });
  }
  return ticks;
}

function waitFor(child: ChildProcess, type: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Record<string, unknown>) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`an apply instance exited (code ${code}) before "${type}"`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

async function runInstances(
  postgresUrl: string,
  orders: number,
  instances: number,
  info: (line: string) => void,
): Promise<ApplyRun> {
  const database = await postgresDatabase(postgresUrl);
  if (!database) throw new Error(`PostgreSQL not reachable at ${postgresUrl}`);
  const pg = (await import("pg")).default;
  const monitor = new pg.Client({ connectionString: postgresUrl });
  await monitor.connect();
  const children: ChildProcess[] = [];
  try {
    const db = await createDb(database.url);
    const { shopId } = await registerLocalShop({ db, domain: "joren-apply-pg.myshopify.com" });
    // each instance first drains a few batches of a shop of its own, untimed
    const warmUpShops: string[] = [];
    for (let i = 0; i < instances; i++) {
      const warmUp = await registerLocalShop({ db, domain: `joren-apply-warm-up-${i + 1}.myshopify.com` });
      await storeOrderReceipts(database.url, warmUp.shopId, WARM_UP_ORDERS);
      warmUpShops.push(warmUp.shopId);
    }
    await storeOrderReceipts(database.url, shopId, orders);
    const run = `joren-apply-${randomUUID().slice(0, 8)}`;
    info(`apply (postgresql): ${orders} orders/create receipts stored; draining with ${instances} instance(s)…`);
    const stderr: string[] = [];
    for (let i = 0; i < instances; i++) {
      const workerId = `${run}-${i + 1}`;
      const child = fork(
        path.resolve("app/cli/bench-apply-pg-run.ts"),
        [`${database.url}&application_name=${workerId}`, workerId, itemAt(warmUpShops, i, "warm-up shop")],
        {
          execArgv: ["--import", "tsx"],
          env: { ...process.env, JOREN_LOG_LEVEL: "warn" },
          stdio: ["ignore", "inherit", "pipe", "ipc"],
        },
      );
      stderr.push("");
      child.stderr?.on("data", (d: Buffer) => (stderr[i] += d.toString()));
      children.push(child);
    }
    await Promise.all(children.map((c) => waitFor(c, "ready")));
    const query = (sql: string, values: unknown[]) => monitor.query<{ pid: number; name: string }>(sql, values);
    const backendsBefore = await backendTicks(query, run);
    const allBefore = allPostgresTicks();
    const loadAverageBefore = os.loadavg()[0] ?? 0;
    const started = performance.now();
    const finished = children.map((c) => waitFor(c, "done"));
    for (const child of children) child.send({ type: "go" });
    const sampler = sampleBackends(monitor, run);
    const reports = await Promise.all(finished);
    const seconds = (performance.now() - started) / 1000;
    const { backendStates, lockWaits } = await sampler.stop();
    const backendsAfter = await backendTicks(query, run);
    const allAfter = allPostgresTicks();
    const loadAverageAfter = os.loadavg()[0] ?? 0;
    const exits = children.map((c) => new Promise((resolve) => c.once("exit", resolve)));
    for (const child of children) child.send({ type: "exit" });
    await Promise.all(exits);

    let backendTicksUsed = 0;
    const ticksByInstance = new Map<string, number>();
    for (const [pid, { name, ticks }] of backendsAfter) {
      const used = ticks - (backendsBefore.get(pid)?.ticks ?? 0);
      backendTicksUsed += used;
      ticksByInstance.set(name, (ticksByInstance.get(name) ?? 0) + used);
    }
    const stored = await db.order.count({ where: { shopId } });
    const open = await db.webhookReceipt.count({ where: { status: { notIn: ["done"] } } });
    if (open > 0) throw new Error(`${open} receipts were not applied`);
    await db.$disconnect();
    const perInstance = reports.map((r, i): InstanceFigures => {
      const warnings: Record<string, number> = {};
      for (const line of (stderr[i] ?? "").split("\n")) {
        if (!line.startsWith("{")) continue;
        try {
          const { msg } = JSON.parse(line) as { msg?: string };
          if (msg) warnings[msg] = (warnings[msg] ?? 0) + 1;
        } catch {
          // not a log line
        }
      }
      const backendSeconds = (ticksByInstance.get(String(r.workerId)) ?? 0) / TICKS_PER_SECOND;
      return {
        workerId: String(r.workerId),
        cpuSeconds: Number(Number(r.cpuSeconds).toFixed(2)),
        postgresCpuSeconds: Number(backendSeconds.toFixed(2)),
        criticalPathSeconds: Number((Number(r.cpuSeconds) + backendSeconds).toFixed(2)),
        activeSeconds: Number(Number(r.activeSeconds).toFixed(2)),
        done: Number(r.done),
        retried: Number(r.retried),
        failed: Number(r.failed),
        warnings,
      };
    });
    const appCpuSeconds = perInstance.reduce((sum, p) => sum + p.cpuSeconds, 0);
    const postgresCpuSeconds = backendsAfter.size > 0 ? backendTicksUsed / TICKS_PER_SECOND : null;
    const figures: ApplyRun = {
      instances,
      orders,
      stored,
      lost: orders - stored,
      seconds: Number(seconds.toFixed(2)),
      ordersPerSecond: Math.round(orders / seconds),
      perInstance,
      appCpuSeconds: Number(appCpuSeconds.toFixed(2)),
      postgresCpuSeconds,
      backendStates,
      lockWaits,
      postgresAllProcessesCpuSeconds:
        allBefore !== null && allAfter !== null ? (allAfter - allBefore) / TICKS_PER_SECOND : null,
      cpuMsPerOrder:
        postgresCpuSeconds !== null
          ? Number((((appCpuSeconds + postgresCpuSeconds) * 1000) / orders).toFixed(2))
          : null,
      loadAverageBefore: Number(loadAverageBefore.toFixed(2)),
      loadAverageAfter: Number(loadAverageAfter.toFixed(2)),
    };
    info(
      `apply (postgresql, ${instances} instance(s)): ${figures.ordersPerSecond} orders/s (${figures.seconds} s), ` +
        `app CPU ${figures.appCpuSeconds} s, PostgreSQL CPU ${figures.postgresCpuSeconds ?? "?"} s, ` +
        `load ${figures.loadAverageBefore}→${figures.loadAverageAfter}, lost ${figures.lost}`,
    );
    return figures;
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await monitor.end().catch(() => undefined);
    await database.drop();
  }
}

/**
 * One instance, then two, each on a fresh schema with the same receipts. Returns null when
 * PostgreSQL is not reachable (the caller reports it skipped).
 */
export async function benchApplyPostgres(
  options: { orders: number; postgresUrl: string },
  info: (line: string) => void,
): Promise<PostgresApplyBench | null> {
  if (!(await postgresReachable(options.postgresUrl))) {
    info(`apply (postgresql): not reachable at ${options.postgresUrl}; skipped (set PG_TEST_URL)`);
    return null;
  }
  const oneInstance = await runInstances(options.postgresUrl, options.orders, 1, info);
  const twoInstances = await runInstances(options.postgresUrl, options.orders, 2, info);
  return {
    database: "postgresql",
    orders: options.orders,
    oneInstance,
    twoInstances,
    speedup: Number((twoInstances.ordersPerSecond / oneInstance.ordersPerSecond).toFixed(2)),
    separateMachinesSpeedup: criticalPathRatio(oneInstance, twoInstances),
  };
}

function criticalPathRatio(one: ApplyRun, two: ApplyRun): number | null {
  if (one.postgresCpuSeconds === null || two.postgresCpuSeconds === null) return null;
  const longest = (run: ApplyRun) => Math.max(...run.perInstance.map((p) => p.criticalPathSeconds));
  return Number((longest(one) / longest(two)).toFixed(2));
}

async function postgresReachable(url: string): Promise<boolean> {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
