// Background work that runs beside each app process, started once per process.
//
// In the built server the webhook inbox is applied on a worker thread with its own database
// connection: HTTP acks stay on the main thread and never queue behind a mirror transaction,
// and the second core does the applying (docs/decisions/0004-webhook-inbox.md).
// Elsewhere (tests importing modules, the CLI) it runs in-process.
import os from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { getDb } from "~/db.server";
import { log } from "~/lib/log.server";
import { createInboxWorker } from "~/modules/ingest/inbox-worker.server";
import { createWriterPriority, type WriterPriority } from "./writer-priority";
import { scheduleShopTicks } from "./schedule/schedule-ticks.server";
import { scheduleRecommendationRefresh } from "./schedule/refresh-recommendations.server";
import { engineDepsForShop } from "~/modules/engine/engine-deps.server";
import { runTick } from "~/modules/engine/tick.server";
import { syncPendingConsent } from "./schedule/sync-pending-consent.server";

export interface InboxHandle {
  notify(): void;
  /** runs an ack's write ahead of the worker's next transaction */
  priority: WriterPriority;
}

declare global {
  var __jorenInbox: Promise<InboxHandle> | undefined;
}

const noop: InboxHandle = { notify() {}, priority: createWriterPriority() };

function startInboxThread(buildUrl: string): InboxHandle {
  const priority = createWriterPriority();
  let worker: Worker | null = null;
  const spawn = () => {
    worker = new Worker(`import(${JSON.stringify(buildUrl)}).then((build) => build.entry.module.runInboxThread())`, {
      eval: true,
      workerData: { priority: priority.buffer },
    });
    worker.unref();
    worker.on("error", (error) => log("warn", "inbox thread failed; restarting", { error: error.message }));
    worker.on("exit", (code) => {
      worker = null;
      if (code !== 0) setTimeout(spawn, 1000).unref();
    });
  };
  spawn();
  return { notify: () => worker?.postMessage("notify"), priority };
}

export function getInboxWorker(): Promise<InboxHandle> {
  if (!isMainThread || process.env.JOREN_DISABLE_WORKERS === "1") return Promise.resolve(noop);
  globalThis.__jorenInbox ??= (async () => {
    const bundled = import.meta.url.endsWith("/build/index.js");
    if (bundled && process.env.JOREN_INBOX_THREAD !== "0") return startInboxThread(import.meta.url);
    const priority = createWriterPriority();
    const db = await getDb();
    const worker = createInboxWorker(db, {
      yieldToWriters: priority.yieldToWriters,
      writersWaiting: priority.writersWaiting,
    });
    worker.start();
    startScheduler(db);
    return { notify: worker.notify, priority };
  })();
  return globalThis.__jorenInbox;
}

/**
 * The inbox thread's niceness, opt-in (Linux only, this thread only; JOREN_INBOX_THREAD_NICE 1–19):
 * while both threads want a core the acks get most of it and a storm is acked sooner; applying
 * takes the idle cycles and catches up after (docs/decisions/0029-lean-webhook-ack.md). Off by
 * default: on a machine busy with other processes a niced thread that holds SQLite's write lock
 * can be descheduled with it while every other writer waits; its after-commit steps and ticks
 * wait for idle cycles too. A process can raise its niceness but not lower it again without
 * privileges, so it is set once, not per storm.
 */
const DEFAULT_INBOX_THREAD_NICE = 0;

function lowerInboxThreadPriority(): void {
  const configured = Number(process.env.JOREN_INBOX_THREAD_NICE ?? DEFAULT_INBOX_THREAD_NICE);
  // on Linux setpriority(0) is per thread; elsewhere it would lower the whole process, acks too
  if (process.platform !== "linux" || !Number.isInteger(configured) || configured <= 0) return;
  try {
    os.setPriority(Math.min(configured, 19));
  } catch (error) {
    log("warn", "could not lower the inbox thread's priority", { error: String(error) });
  }
}

/** The worker thread's entry (reached through the server build's entry module). */
export async function runInboxThread(): Promise<void> {
  lowerInboxThreadPriority();
  const priority = createWriterPriority((workerData as { priority: SharedArrayBuffer }).priority);
  const db = await getDb();
  const worker = createInboxWorker(db, {
    pollMs: 250,
    yieldToWriters: priority.yieldToWriters,
    writersWaiting: priority.writersWaiting,
  });
  startScheduler(db);
  worker.start();
  parentPort?.on("message", () => worker.notify());
  parentPort?.ref();
  worker.notify();
}

/**
 * node-cron ticks every installed shop each minute (scenarios check shop-local times themselves);
 * database leases make one instance run a given shop's tick at a time.
 */
function startScheduler(db: Awaited<ReturnType<typeof getDb>>): void {
  if (process.env.JOREN_DISABLE_SCHEDULER === "1") return;
  scheduleShopTicks({
    db,
    // node-cron syntax; tests and the multi-instance check tick every few seconds ("*/3 * * * * *")
    cronExpression: process.env.JOREN_TICK_CRON || undefined,
    runTick: async (shopId, now) => {
      const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
      const deps = await engineDepsForShop(db, shop.domain);
      const result = await runTick(db, shopId, now, deps);
      // under the same per-shop lease: consent Shopify could not be told about earlier
      await syncPendingConsent(db, shopId, deps.admin);
      return result;
    },
  });
  // recommendation neighbours, reorder intervals and the 1st→2nd order gap, recomputed daily
  scheduleRecommendationRefresh({ db });
}
