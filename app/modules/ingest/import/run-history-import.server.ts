// The history import: products → customers → orders through Shopify bulk operations, applied
// through the same idempotent upsert-if-newer domain functions the webhooks use, so it can run
// beside live webhooks and be resumed at any point. See docs/import.md.
//
// Progress lives on the shop's ImportJob: the stage, the stage's bulk operation id, and how
// many JSONL lines of it are applied (`linesDone`). Each batch of objects is written in one
// transaction together with the new `linesDone`, `counts` and `heartbeatAt`, so after a crash
// the next run skips exactly the lines already applied.
import { z } from "zod";
import type { Db, Tx } from "~/db.server";
import { log } from "~/lib/log.server";
import { dialectOf } from "~/lib/raw-sql.server";
import type { NormalizedCustomer, NormalizedOrder, NormalizedProduct, ShopScope } from "~/modules/mirror/types";
import { recordProduct } from "~/modules/mirror/catalog/record-product.server";
import {
  deferRollups,
  dropDeferredRollups,
  flushDeferredRollups,
  recomputeCustomerRollups,
} from "~/modules/mirror/customers/recompute-rollups.server";
import { recordCustomers } from "~/modules/mirror/customers/record-customers.server";
import { upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import { recordOrder } from "~/modules/mirror/orders/record-order.server";
import { personOfRecord, tombstonedRecords } from "~/modules/mirror/compliance/tombstones.server";
import { forgetClvChecks } from "~/modules/reports/clv-check-cache.server";
import { recordNewOrders } from "~/modules/mirror/orders/record-new-orders.server";
import { isAdminApiError, type AdminPort, type BulkOperationInfo } from "~/modules/platform/shopify/admin-port";
import { BULK_QUERIES, type ImportStage } from "./bulk-queries";
import { groupBulkLines } from "./group-bulk-lines";
import { estimateStage } from "./import-eta";
import {
  InvalidBulkRowError,
  normalizeBulkCustomer,
  normalizeBulkOrder,
  normalizeBulkProduct,
  type BulkGroup,
} from "./normalize-bulk";

export const IMPORT_STAGES: readonly ImportStage[] = ["products", "customers", "orders"];
export const DEFAULT_BATCH_SIZE = 1000;
/** SQLite page cache while importing: 64 MiB (negative: KiB), against the default 2 MiB */
const IMPORT_CACHE_SIZE = -65_536;
/** SQLite WAL pages between automatic checkpoints while importing (default 1,000) */
const IMPORT_WAL_AUTOCHECKPOINT = 10_000;
export const DEFAULT_POLL_INTERVAL_MS = 5_000;
/** a running job whose heartbeat is older than this is taken over (its process died) */
export const DEFAULT_TAKE_OVER_AFTER_MS = 5 * 60_000;
const TRANSACTION_TIMEOUT_MS = 120_000;
/** customers per transaction when the orders stage rebuilds rollups at its end */
const ROLLUP_PASS_SIZE = 1_000;

export interface HistoryImportProgress {
  stage: string;
  linesDone: number;
  /** the bulk operation's object count (lines of its JSONL), when known */
  objectCount: number | null;
  /** lines applied per second in this run (0 while waiting for Shopify) */
  linesPerSecond: number;
  /** the stage's estimated seconds left, null while unknown */
  secondsLeft: number | null;
}

export interface RunHistoryImportOptions {
  db: Db;
  shopId: string;
  admin: AdminPort;
  /** the import's clock: ShopScope.now of every write, heartbeats, startedAt/finishedAt */
  now?: () => Date;
  pollIntervalMs?: number;
  onProgress?: (progress: HistoryImportProgress) => void;
  /** objects applied per transaction (default 1,000) */
  batchSize?: number;
  /** the wait between polls (tests pass a no-op) */
  sleep?: (ms: number) => Promise<void>;
  takeOverAfterMs?: number;
}

export type ImportCounts = Record<string, number>;

/** The import stopped for a reason a re-run alone will not fix; the job is marked failed. */
export class HistoryImportFailedError extends Error {
  readonly jobId: string;
  readonly stage: ImportStage;
  constructor(message: string, jobId: string, stage: ImportStage) {
    super(message);
    this.name = "HistoryImportFailedError";
    this.jobId = jobId;
    this.stage = stage;
  }
}

/** Another process is running this shop's import right now (its heartbeat is fresh). */
export class HistoryImportBusyError extends Error {
  readonly jobId: string;
  constructor(jobId: string, heartbeatAt: Date) {
    super(
      `the history import ${jobId} is already running (last heartbeat ${heartbeatAt.toISOString()}); ` +
        "wait for it to finish, or run again once its heartbeat is more than a few minutes old",
    );
    this.name = "HistoryImportBusyError";
    this.jobId = jobId;
  }
}

type Prepared =
  | { stage: "products"; product: NormalizedProduct }
  | { stage: "customers"; customer: NormalizedCustomer }
  | { stage: "orders"; order: NormalizedOrder };

const countsSchema = z.record(z.string(), z.number());

function emptyCounts(): ImportCounts {
  return { products: 0, customers: 0, orders: 0, productsSkipped: 0, customersSkipped: 0, ordersSkipped: 0 };
}

/** A job's stored counts, every stage present (zero when missing or unreadable). */
export function readImportCounts(json: string): ImportCounts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    parsed = {};
  }
  const result = countsSchema.safeParse(parsed);
  return { ...emptyCounts(), ...(result.success ? result.data : {}) };
}

function isStage(value: string): value is ImportStage {
  return (IMPORT_STAGES as readonly string[]).includes(value);
}

function prepare(stage: ImportStage, group: BulkGroup): Prepared {
  switch (stage) {
    case "products":
      return { stage, product: normalizeBulkProduct(group) };
    case "customers":
      return { stage, customer: normalizeBulkCustomer(group) };
    case "orders":
      return { stage, order: normalizeBulkOrder(group) };
  }
}

async function applyPrepared(tx: Tx, scope: ShopScope, item: Prepared): Promise<void> {
  switch (item.stage) {
    case "products":
      await recordProduct(tx, scope, item.product);
      return;
    case "customers":
      await upsertCustomer(tx, scope, item.customer, { consentSource: "import" });
      return;
    case "orders":
      await recordOrder(tx, scope, item.order);
      return;
  }
}

const STAGE_SCOPES: Record<ImportStage, string> = {
  products: "read_products",
  customers: "write_customers (it includes read_customers) and protected customer data access",
  orders: "read_orders and read_all_orders (orders older than 60 days)",
};

export function describeBulkFailure(stage: ImportStage, op: BulkOperationInfo, shopDomain: string): string {
  const again = `then run the import again (npm run joren -- import --shop ${shopDomain})`;
  const head = `The Shopify bulk operation for ${stage} (${op.id}) ended ${op.status}${op.errorCode ? ` with ${op.errorCode}` : ""}.`;
  if (op.status === "FAILED" && op.errorCode === "ACCESS_DENIED") {
    return `${head} The app lacks access: make sure it is granted ${STAGE_SCOPES[stage]}, ${again}.`;
  }
  if (op.status === "FAILED" && op.errorCode === "TIMEOUT") {
    return `${head} Shopify gave up on it after too long; ${again}. If it times out again, the store may need the import split by date.`;
  }
  if (op.status === "FAILED") return `${head} Shopify reported an internal error; wait a few minutes, ${again}.`;
  if (op.status === "CANCELED" || op.status === "CANCELING")
    return `${head} It was canceled before it finished; ${again}.`;
  return `${head} Its result is no longer available; ${again}.`;
}

function isTerminal(op: BulkOperationInfo): boolean {
  return op.status !== "CREATED" && op.status !== "RUNNING" && op.status !== "CANCELING";
}

function isUsable(op: BulkOperationInfo): boolean {
  return op.status === "COMPLETED" && (op.url !== null || op.objectCount === 0);
}

/** The result file is gone (a signed url expires after seven days). */
function isExpiredResult(error: unknown): boolean {
  return (
    isAdminApiError(error) &&
    error.kind === "http" &&
    (error.status === 403 || error.status === 404 || error.status === 410)
  );
}

/**
 * SQLite: for the import's duration, a page cache large enough for the indexes a batch touches
 * and a checkpoint every ≈ 40 MB of log instead of every 4 MB (each checkpoint syncs the file),
 * then the connection's own settings back. PostgreSQL: nothing.
 */
async function tuneConnectionForImport(db: Db): Promise<() => Promise<void>> {
  if (dialectOf(db) !== "sqlite") return async () => undefined;
  const read = async (pragma: string): Promise<number | null> => {
    const [row] = await db.$queryRawUnsafe<Record<string, number | bigint>[]>(`PRAGMA ${pragma}`);
    const value = row ? Object.values(row)[0] : undefined;
    return value === undefined ? null : Number(value);
  };
  const cacheSize = await read("cache_size");
  const autocheckpoint = await read("wal_autocheckpoint");
  // cache_size: negative is KiB, positive is pages (4 KiB here)
  const cacheKib = cacheSize === null ? null : cacheSize < 0 ? -cacheSize : cacheSize * 4;
  if (cacheKib !== null && cacheKib < -IMPORT_CACHE_SIZE)
    await db.$queryRawUnsafe(`PRAGMA cache_size = ${IMPORT_CACHE_SIZE}`);
  if (autocheckpoint !== null && autocheckpoint < IMPORT_WAL_AUTOCHECKPOINT)
    await db.$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${IMPORT_WAL_AUTOCHECKPOINT}`);
  return async () => {
    if (cacheSize !== null) await db.$queryRawUnsafe(`PRAGMA cache_size = ${cacheSize}`);
    if (autocheckpoint !== null) await db.$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${autocheckpoint}`);
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runHistoryImport(
  options: RunHistoryImportOptions,
): Promise<{ jobId: string; counts: ImportCounts }> {
  const { db, shopId, admin } = options;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollIntervalMs = Math.max(0, options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
  const takeOverAfterMs = options.takeOverAfterMs ?? DEFAULT_TAKE_OVER_AFTER_MS;
  const report = options.onProgress ?? (() => undefined);

  const shop = await db.shop.findUnique({
    where: { id: shopId },
    select: { id: true, domain: true, uninstalledAt: true },
  });
  if (!shop) throw new Error(`no shop with id ${shopId}`);
  if (shop.uninstalledAt) throw new Error(`${shop.domain} uninstalled the app; there is nothing to import into`);
  const shopDomain = shop.domain;

  const job = await claimJob();
  const jobId = job.id;
  const state = {
    stage: job.stage,
    bulkOperationId: job.bulkOperationId,
    linesDone: job.linesDone,
    counts: readImportCounts(job.counts),
  };
  log("info", "history import started", { shopId, jobId, stage: state.stage, linesDone: state.linesDone });

  async function claimJob() {
    const at = now();
    const open = await db.importJob.findFirst({
      where: { shopId, status: { in: ["queued", "running"] } },
      orderBy: { startedAt: "desc" },
    });
    if (!open) {
      return db.importJob.create({
        data: {
          shopId,
          status: "running",
          stage: "products",
          counts: JSON.stringify(emptyCounts()),
          startedAt: at,
          heartbeatAt: at,
        },
      });
    }
    const staleBefore = new Date(at.getTime() - takeOverAfterMs);
    const claimed = await db.importJob.updateMany({
      where: { id: open.id, OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: staleBefore } }] },
      data: { status: "running", heartbeatAt: at, error: null },
    });
    if (claimed.count === 0) throw new HistoryImportBusyError(open.id, open.heartbeatAt ?? at);
    return db.importJob.findUniqueOrThrow({ where: { id: open.id } });
  }

  async function persist(extra: { status?: string; error?: string | null; finishedAt?: Date } = {}): Promise<void> {
    await db.importJob.update({
      where: { id: jobId },
      data: {
        stage: state.stage,
        bulkOperationId: state.bulkOperationId,
        linesDone: state.linesDone,
        counts: JSON.stringify(state.counts),
        heartbeatAt: now(),
        // a new stage, or the end: the last batch's estimate no longer applies
        objectCount: null,
        secondsLeft: null,
        ...extra,
      },
    });
  }

  async function fail(stage: ImportStage, op: BulkOperationInfo): Promise<HistoryImportFailedError> {
    const message = describeBulkFailure(stage, op, shopDomain);
    await persist({ status: "failed", error: message, finishedAt: now() });
    log("warn", "history import failed", {
      shopId,
      jobId,
      stage,
      bulkOperationId: op.id,
      status: op.status,
      errorCode: op.errorCode,
    });
    return new HistoryImportFailedError(message, jobId, stage);
  }

  async function waitUntilFinished(stage: ImportStage, id: string): Promise<BulkOperationInfo> {
    for (;;) {
      const op = await admin.getBulkOperation(id);
      await db.importJob.update({ where: { id: jobId }, data: { heartbeatAt: now() } });
      report({ stage, linesDone: state.linesDone, objectCount: op.objectCount, linesPerSecond: 0, secondsLeft: null });
      if (isTerminal(op)) return op;
      await sleep(pollIntervalMs);
    }
  }

  async function startOperation(stage: ImportStage): Promise<BulkOperationInfo> {
    const { id } = await admin.runBulkQuery(BULK_QUERIES[stage]);
    // A new result file: the line count starts over (re-applying lines is harmless).
    state.bulkOperationId = id;
    state.linesDone = 0;
    state.counts = { ...state.counts, [stage]: 0, [`${stage}Skipped`]: 0 };
    await persist();
    log("info", "history import: bulk operation started", { shopId, jobId, stage, bulkOperationId: id });
    const op = await waitUntilFinished(stage, id);
    if (!isUsable(op)) throw await fail(stage, op);
    return op;
  }

  /** The operation a previous run started, if its result can still be read. */
  async function resumeOperation(stage: ImportStage, id: string): Promise<BulkOperationInfo | null> {
    let op: BulkOperationInfo;
    try {
      op = await waitUntilFinished(stage, id);
    } catch (error) {
      if (isAdminApiError(error) && error.kind === "not_found") return null;
      throw error;
    }
    if (isUsable(op)) return op;
    log("warn", "history import: previous bulk operation unusable, starting a new one", {
      shopId,
      jobId,
      stage,
      bulkOperationId: id,
      status: op.status,
      errorCode: op.errorCode,
    });
    return null;
  }

  async function applyOperation(stage: ImportStage, op: BulkOperationInfo): Promise<void> {
    if (!op.url) return; // an empty result
    const linesAtStart = state.linesDone;
    const startedAt = now().getTime();
    let batch: Prepared[] = [];
    let batchLines = 0;
    let batchSkipped = 0;

    const commit = async () => {
      if (batchLines === 0) return;
      const at = now();
      const linesDone = state.linesDone + batchLines;
      const counts = {
        ...state.counts,
        [stage]: (state.counts[stage] ?? 0) + batch.length,
        [`${stage}Skipped`]: (state.counts[`${stage}Skipped`] ?? 0) + batchSkipped,
      };
      const items = batch;
      const estimate = estimateStage({
        linesDone,
        linesAtStart,
        objectCount: op.objectCount,
        elapsedMs: at.getTime() - startedAt,
      });
      await db.$transaction(
        async (tx) => {
          const scope: ShopScope = { shopId, now: at };
          // the webhook inbox's batching: each customer's rollups once per batch, not per order
          deferRollups(tx);
          // customers set-based (recordCustomers: upsertCustomer's rules for the whole batch)
          const customers = items.flatMap((item) => (item.stage === "customers" ? [item.customer] : []));
          if (customers.length > 0) await recordCustomers(tx, scope, customers, { consentSource: "import" });
          // orders not mirrored yet go set-based; the rest (and whatever that path hands back) row by row
          const orders = items.flatMap((item) => (item.stage === "orders" ? [item] : []));
          const results =
            orders.length > 1
              ? await recordNewOrders(
                  tx,
                  shopId,
                  orders.map((item) => ({ order: item.order, now: at })),
                )
              : [];
          const setBased = new Set(orders.filter((_, i) => results[i] === "applied"));
          // an order of a person erased since (customers/redact) is not brought back: the orders
          // topic's tombstone check, which recordOrder itself leaves to its caller
          const handedBack = orders.filter((item) => !setBased.has(item));
          const erased = await tombstonedRecords(
            tx,
            shopId,
            handedBack.map(({ order }) => personOfRecord(order)),
          );
          const skip = new Set<Prepared>([...setBased, ...handedBack.filter((_, i) => erased[i])]);
          if (skip.size > setBased.size)
            log("info", "history import: skipped orders of erased customers", {
              shopId,
              jobId,
              orders: skip.size - setBased.size,
            });
          for (const item of items)
            if (item.stage !== "customers" && !skip.has(item)) await applyPrepared(tx, scope, item);
          // the orders stage rebuilds its customers' rollups once, at its end (recomputeAllRollups):
          // per batch, a customer with n orders spread over the file would be re-read n times
          if (stage === "orders") dropDeferredRollups(tx);
          else await flushDeferredRollups(tx);
          await tx.importJob.update({
            where: { id: jobId },
            data: {
              stage,
              bulkOperationId: op.id,
              linesDone,
              counts: JSON.stringify(counts),
              heartbeatAt: at,
              objectCount: op.objectCount,
              secondsLeft: estimate.secondsLeft,
            },
          });
        },
        { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 30_000 },
      );
      state.linesDone = linesDone;
      state.counts = counts;
      batch = [];
      batchLines = 0;
      batchSkipped = 0;
      report({ stage, linesDone, objectCount: op.objectCount, ...estimate });
    };

    for await (const item of groupBulkLines(admin.fetchJsonl(op.url), state.linesDone)) {
      batchLines += item.lineCount;
      if (item.kind === "object") {
        try {
          batch.push(prepare(stage, item));
        } catch (error) {
          if (!(error instanceof InvalidBulkRowError)) throw error;
          batchSkipped += 1;
          log("warn", "history import: skipped a row", { shopId, jobId, stage, gid: error.gid, reason: error.message });
        }
      } else if (item.kind === "invalid") {
        batchSkipped += 1;
        log("warn", "history import: skipped a line", { shopId, jobId, stage, gid: item.gid, reason: item.reason });
      }
      if (batch.length + batchSkipped >= batchSize) await commit();
    }
    await commit();
  }

  /**
   * Every customer's rollups from the orders now mirrored, once, in transactions of
   * ROLLUP_PASS_SIZE customers. Runs again in full when a resumed run finishes the stage (the
   * stage is saved as done only after it), so a crash during it loses nothing.
   */
  async function recomputeAllRollups(): Promise<void> {
    const started = performance.now();
    let after: string | null = null;
    let customers = 0;
    for (;;) {
      const ids: { id: string }[] = await db.customer.findMany({
        where: { shopId, ...(after ? { id: { gt: after } } : {}) },
        select: { id: true },
        orderBy: { id: "asc" },
        take: ROLLUP_PASS_SIZE,
      });
      const last = ids.at(-1);
      if (!last) break;
      await db.$transaction(
        async (tx) => {
          const scope: ShopScope = { shopId, now: now() };
          deferRollups(tx);
          for (const { id } of ids) await recomputeCustomerRollups(tx, scope, id);
          await flushDeferredRollups(tx);
          await tx.importJob.update({ where: { id: jobId }, data: { heartbeatAt: scope.now } });
        },
        { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 30_000 },
      );
      after = last.id;
      customers += ids.length;
    }
    log("info", "history import: customers' rollups rebuilt", {
      shopId,
      jobId,
      customers,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    });
  }

  async function runStage(stage: ImportStage): Promise<void> {
    let op: BulkOperationInfo | null = state.bulkOperationId
      ? await resumeOperation(stage, state.bulkOperationId)
      : null;
    let restartedAfterExpiry = false;
    for (;;) {
      op ??= await startOperation(stage);
      try {
        await applyOperation(stage, op);
        if (stage === "orders") await recomputeAllRollups();
        return;
      } catch (error) {
        if (!isExpiredResult(error) || restartedAfterExpiry) throw error;
        restartedAfterExpiry = true;
        log("warn", "history import: bulk result expired, starting a new operation", {
          shopId,
          jobId,
          stage,
          bulkOperationId: op.id,
        });
        op = null;
      }
    }
  }

  const restoreConnection = await tuneConnectionForImport(db);
  try {
    const from = isStage(state.stage)
      ? IMPORT_STAGES.indexOf(state.stage)
      : state.stage === "done"
        ? IMPORT_STAGES.length
        : 0;
    for (const stage of IMPORT_STAGES.slice(from)) {
      await runStage(stage);
      const next = IMPORT_STAGES[IMPORT_STAGES.indexOf(stage) + 1] ?? "done";
      state.stage = next;
      state.bulkOperationId = null;
      state.linesDone = 0;
      await persist();
    }
    state.stage = "done";
    await persist({ status: "done", error: null, finishedAt: now() });
    // the imported past changes the CLV model's split check: recompute it at the next report
    await forgetClvChecks(db, shopId);
    log("info", "history import done", { shopId, jobId, counts: state.counts });
    return { jobId, counts: state.counts };
  } catch (error) {
    if (error instanceof HistoryImportFailedError) throw error;
    // Resumable: the job stays running with the error noted; its heartbeat is released so the
    // next run takes it over at once.
    await db.importJob
      .update({ where: { id: jobId }, data: { error: messageOf(error).slice(0, 1000), heartbeatAt: null } })
      .catch(() => undefined);
    log("warn", "history import interrupted; run it again to resume", {
      shopId,
      jobId,
      stage: state.stage,
      linesDone: state.linesDone,
      error: messageOf(error),
    });
    throw error;
  } finally {
    await restoreConnection().catch(() => undefined);
  }
}
