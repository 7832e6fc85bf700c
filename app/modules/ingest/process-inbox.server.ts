import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { Prisma, type Db, type Tx } from "~/db.server";
import { isTransientDbError, isUniqueViolation } from "~/lib/db-errors";
import { parseJsonLossless } from "~/lib/json";
import { log } from "~/lib/log.server";
import { dateParam, dialectOf, queryRows, updateFromValues } from "~/lib/raw-sql.server";
import { deferRollups, flushDeferredRollups } from "~/modules/mirror/customers/recompute-rollups.server";
import { recordNewOrders } from "~/modules/mirror/orders/record-new-orders.server";
import { mayHoldUnstorableText, unstorableText } from "./normalize/unstorable-text";
import { getTopic, resolveTopic, RetryLater, type ApplyOutcome, type WebhookTopic } from "./topics";
import type { NormalizedOrder } from "../mirror/types";

const CLAIM_MS = 60_000;
const MAX_ATTEMPTS = 8;
/** receipts claimed at once; they are applied in as few transactions as the budgets below allow */
const BATCH = 200;
/**
 * How long one batch transaction keeps taking receipts. With SQLite it holds the one write lock,
 * so while webhook acks are waiting to insert it closes after a single receipt's worth of time.
 */
const TRANSACTION_BUDGET_MS = 250;
const TRANSACTION_BUDGET_WHILE_ACKING_MS = 15;
/** new orders written set-based in one transaction while acks wait (≈ 1 ms each) */
const SET_BASED_WHILE_ACKING = 16;

/**
 * Topics whose receipts share a batch transaction. The others (uninstall, scopes, merges and the
 * compliance topics) read or erase what earlier receipts wrote, so each runs alone, in its turn.
 */
const BATCHED_TOPICS: ReadonlySet<WebhookTopic> = new Set<WebhookTopic>([
  "orders/create",
  "orders/updated",
  "orders/paid",
  "orders/cancelled",
  "orders/delete",
  "refunds/create",
  "checkouts/create",
  "checkouts/update",
  "checkouts/delete",
  "customers/create",
  "customers/update",
  "customers/delete",
  "customers_email_marketing_consent/update",
  "products/create",
  "products/update",
  "products/delete",
  "inventory_levels/update",
]);

export interface ProcessResult {
  done: number;
  skipped: number;
  rejected: number;
  retried: number;
  failed: number;
}

export interface ProcessOptions {
  workerId?: string;
  now?: () => Date;
  maxBatches?: number;
  shopId?: string;
  /** waits while webhook acks are writing (SQLite's one writer) */
  yieldToWriters?: () => Promise<void>;
  /** true while webhook acks are writing: a batch transaction then closes early */
  writersWaiting?: () => boolean;
  /** receipts per claim (default 200) */
  batchSize?: number;
  /** how long one shared transaction keeps taking receipts (default 250 ms) */
  transactionBudgetMs?: number;
}

function retryDelayMs(attempt: number): number {
  return Math.min(60_000 * 2 ** (attempt - 1), 3_600_000);
}

type ClaimedReceipt = {
  id: string;
  webhookId: string;
  topic: string;
  body: string | null;
  attempts: number;
  shopId: string;
  triggeredAt: Date | null;
  receivedAt: Date;
  shop: { domain: string; uninstalledAt: Date | null };
};

interface ReadyReceipt {
  receipt: ClaimedReceipt;
  topic: WebhookTopic;
  apply: (tx: Tx) => Promise<ApplyOutcome>;
  /** an order upsert: first offered to the set-based writer (recordNewOrders) */
  order?: { data: NormalizedOrder; now: Date };
}

const ORDER_UPSERT_TOPICS: ReadonlySet<WebhookTopic> = new Set<WebhookTopic>([
  "orders/create",
  "orders/updated",
  "orders/paid",
  "orders/cancelled",
]);

const finishedData = (now: Date) => ({ body: null, processedAt: now, claimedBy: null, claimedUntil: null });

function outcomeError(outcome: ApplyOutcome): string | null {
  return outcome.status === "skipped" ? outcome.reason : (outcome.note ?? null);
}

/** Validates a claimed receipt; one that cannot be applied is finished here (skipped or rejected). */
async function prepareReceipt(db: Db, receipt: ClaimedReceipt, now: Date): Promise<ReadyReceipt | keyof ProcessResult> {
  const topic = resolveTopic(receipt.topic);
  const finish = (status: string, error: string | null) =>
    db.webhookReceipt.updateMany({ where: { id: receipt.id }, data: { status, error, ...finishedData(now) } });
  if (!topic || receipt.body === null) {
    await finish("skipped", topic ? "no body" : `unknown topic ${receipt.topic}`);
    return "skipped";
  }
  const definition = getTopic(topic);
  if (receipt.shop.uninstalledAt && !definition.whenUninstalled) {
    await finish("skipped", "shop uninstalled");
    return "skipped";
  }
  let parsed: z.ZodSafeParseResult<unknown>;
  try {
    const body = parseJsonLossless(receipt.body);
    const unstorable = mayHoldUnstorableText(receipt.body) ? unstorableText(body) : null;
    if (unstorable) {
      await finish("rejected", `payload cannot be stored: ${unstorable}`.slice(0, 1000));
      log("warn", "webhook payload rejected", { webhookId: receipt.webhookId, topic, problems: [unstorable] });
      return "rejected";
    }
    parsed = definition.schema.safeParse(body);
  } catch {
    await finish("rejected", "body is not JSON");
    return "rejected";
  }
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    await finish("rejected", `payload does not match the ${topic} schema: ${problems.join("; ")}`.slice(0, 1000));
    log("warn", "webhook payload rejected", { webhookId: receipt.webhookId, topic, problems });
    return "rejected";
  }
  const data = parsed.data;
  const ctx = {
    shopId: receipt.shopId,
    shopDomain: receipt.shop.domain,
    now: receipt.triggeredAt ?? receipt.receivedAt,
  };
  return {
    receipt,
    topic,
    apply: (tx) => definition.apply(tx, ctx, data),
    ...(ORDER_UPSERT_TOPICS.has(topic) ? { order: { data: data as NormalizedOrder, now: ctx.now } } : {}),
  };
}

/**
 * Applies one receipt in a transaction of its own: the domain writes and the receipt's own
 * "done" commit together, so a crash leaves the receipt pending and nothing half-written.
 * Failures retry with backoff (a refund before its order), then end `failed`.
 */
async function applyAlone(db: Db, ready: ReadyReceipt, now: Date): Promise<keyof ProcessResult> {
  const { receipt, topic } = ready;
  try {
    const outcome = await db.$transaction(
      async (tx) => {
        const result = await ready.apply(tx);
        await tx.webhookReceipt.updateMany({
          where: { id: receipt.id },
          data: { status: result.status, error: outcomeError(result), ...finishedData(now) },
        });
        return result;
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
    if (outcome.status === "done") {
      // the apply stands either way: a failure here is logged, never a retry of the apply
      await getTopic(topic)
        .afterCommit?.(db)
        .catch((error: unknown) =>
          log("warn", "webhook after-commit step failed", {
            webhookId: receipt.webhookId,
            topic,
            error: String(error).slice(0, 300),
          }),
        );
    }
    return outcome.status;
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 500) : String(error);
    if (isTransientDbError(error)) {
      // the database was busy: not the webhook's fault, so it neither waits long nor uses up an attempt
      await db.webhookReceipt.updateMany({
        where: { id: receipt.id },
        data: {
          status: "pending",
          claimedBy: null,
          claimedUntil: new Date(now.getTime() + 1000),
          attempts: { decrement: 1 },
        },
      });
      return "retried";
    }
    if (receipt.attempts < MAX_ATTEMPTS) {
      // A unique violation here is almost always another worker (or instance) creating the same
      // row — e.g. two orders of one new customer applied at once: the transaction rolled back,
      // and a prompt retry finds the row. It still uses up an attempt, so a real bug ends "failed".
      const raced = isUniqueViolation(error);
      await db.webhookReceipt.updateMany({
        where: { id: receipt.id },
        data: {
          status: "pending",
          error: message,
          claimedBy: null,
          claimedUntil: new Date(now.getTime() + (raced ? 1000 : retryDelayMs(receipt.attempts))),
        },
      });
      log("warn", "webhook apply failed; will retry", {
        webhookId: receipt.webhookId,
        topic,
        attempt: receipt.attempts,
        error: message,
        retryLater: error instanceof RetryLater,
      });
      return "retried";
    }
    await db.webhookReceipt.updateMany({
      where: { id: receipt.id },
      data: { status: "failed", error: message, ...finishedData(now) },
    });
    log("error", "webhook apply failed for good", { webhookId: receipt.webhookId, topic, error: message });
    return "failed";
  }
}

/**
 * Applies the first receipts of `items` in ONE transaction, each inside a savepoint: a receipt
 * that throws is rolled back to its savepoint alone and handed back (`failedAlone`) to be applied
 * by itself, where the usual retry rules decide. Rollups are recomputed once per customer at the
 * end; every applied receipt is finished in the same transaction, so a crash leaves each receipt
 * pending or done. Returns how many items it took (at least one).
 */
async function applyBatch(
  db: Db,
  items: readonly ReadyReceipt[],
  now: Date,
  writersWaiting: () => boolean,
  budgetMs: number,
): Promise<{ taken: number; outcomes: (keyof ProcessResult)[]; failedAlone: ReadyReceipt[] }> {
  const started = performance.now();
  let taken = 0;
  const failedAlone: ReadyReceipt[] = [];
  const outcomes: (keyof ProcessResult)[] = [];
  await db.$transaction(
    async (tx) => {
      // SQLite: take the write lock first (a no-op write). Prisma's BEGIN is deferred, and a
      // transaction that has read before an ack's insert commits can no longer write (the
      // snapshot is stale: SQLITE_BUSY at once, no busy wait), which sent whole batches row by row
      await tx.$executeRawUnsafe(`UPDATE "WebhookReceipt" SET "attempts" = "attempts" WHERE 1 = 0`);
      deferRollups(tx);
      const applied: { id: string; outcome: ApplyOutcome }[] = [];
      // the run's leading order upserts go set-based first; what that path hands back is applied
      // row by row below, still in this transaction and in the order received
      // (fewer while acks wait to insert: the set-based write holds SQLite's one write lock)
      const cap = writersWaiting() ? SET_BASED_WHILE_ACKING : items.length;
      const leading: ReadyReceipt[] = [];
      while (leading.length < Math.min(cap, items.length) && items[leading.length]!.order)
        leading.push(items[leading.length]!);
      const rowByRow: ReadyReceipt[] = [];
      if (leading.length > 1) {
        const byShop = new Map<string, ReadyReceipt[]>();
        for (const item of leading) byShop.set(item.receipt.shopId, [...(byShop.get(item.receipt.shopId) ?? []), item]);
        const handledSetBased = new Set<ReadyReceipt>();
        for (const [shopId, group] of byShop) {
          const inputs = group.map((item) => ({ order: item.order!.data, now: item.order!.now }));
          let results = await recordNewOrders(tx, shopId, inputs);
          // Everything handed back on PostgreSQL: most often another instance created one of these
          // customers a moment ago (the insert waited for its commit, then met the unique key and
          // the writer rolled its savepoint back). Read again, the set-based path finds the row
          // instead of applying the whole run row by row; a batch handed back for its own reasons
          // is handed back again, at the cost of the writer's reads (docs/decisions/0031).
          if (group.length > 1 && dialectOf(tx) === "postgresql" && results.every((r) => r === "fallback"))
            results = await recordNewOrders(tx, shopId, inputs);
          group.forEach((item, i) => results[i] === "applied" && handledSetBased.add(item));
        }
        for (const item of leading) {
          if (handledSetBased.has(item)) applied.push({ id: item.receipt.id, outcome: { status: "done" } });
          else rowByRow.push(item);
        }
        taken = leading.length;
      }
      for (const item of [...rowByRow, ...items.slice(taken)]) {
        const budget = writersWaiting() ? Math.min(budgetMs, TRANSACTION_BUDGET_WHILE_ACKING_MS) : budgetMs;
        const handedBack = rowByRow.includes(item);
        if (!handedBack && taken > 0 && performance.now() - started > budget) break;
        if (!handedBack) taken++;
        await tx.$executeRawUnsafe("SAVEPOINT joren_receipt");
        try {
          applied.push({ id: item.receipt.id, outcome: await item.apply(tx) });
          await tx.$executeRawUnsafe("RELEASE SAVEPOINT joren_receipt");
        } catch {
          await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT joren_receipt");
          await tx.$executeRawUnsafe("RELEASE SAVEPOINT joren_receipt");
          failedAlone.push(item);
        }
      }
      await flushDeferredRollups(tx);
      const plainDone = applied.filter((a) => a.outcome.status === "done" && !outcomeError(a.outcome)).map((a) => a.id);
      if (plainDone.length > 0) {
        // one multi-row statement (driver-direct on SQLite): as updateMany, without Prisma's
        // per-value cost for an IN list of hundreds of ids
        await updateFromValues(
          tx,
          "WebhookReceipt",
          "id",
          [
            { name: "id", type: "text" },
            { name: "processedAt", type: "timestamp" },
          ],
          plainDone.map((id) => [id, now]),
          `"status" = 'done', "error" = NULL, "body" = NULL, "processedAt" = v."processedAt", "claimedBy" = NULL, "claimedUntil" = NULL`,
        );
      }
      for (const { id, outcome } of applied) {
        if (outcome.status === "done" && !outcomeError(outcome)) continue;
        await tx.webhookReceipt.updateMany({
          where: { id },
          data: { status: outcome.status, error: outcomeError(outcome), ...finishedData(now) },
        });
      }
      outcomes.push(...applied.map((a) => a.outcome.status));
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  return { taken, outcomes, failedAlone };
}

interface ClaimOptions {
  workerId: string;
  now: Date;
  take: number;
  shopId?: string;
  yieldToWriters?: () => Promise<void>;
}

/**
 * SQLite (one instance, one writer): reads the due ids — one query per status, each walking the
 * (status, receivedAt) index in order and stopping after a batch (with an OR of both, SQLite read
 * and sorted the whole backlog every batch) —, claims them with one conditional update that
 * repeats the due condition (a worker that claimed a row first keeps it), then reads back the
 * rows this worker holds. null: nothing was due.
 */
async function claimReadThenUpdate(db: Db, options: ClaimOptions): Promise<ClaimedReceipt[] | null> {
  const { workerId, now, take } = options;
  const shop = options.shopId ? { shopId: options.shopId } : {};
  const dueWhere = {
    ...shop,
    OR: [
      { status: "pending", OR: [{ claimedUntil: null }, { claimedUntil: { lte: now } }] },
      { status: "processing", claimedUntil: { lte: now } },
    ],
  };
  const [pending, expired] = await Promise.all([
    db.webhookReceipt.findMany({
      where: { ...shop, status: "pending", OR: [{ claimedUntil: null }, { claimedUntil: { lte: now } }] },
      orderBy: { receivedAt: "asc" },
      take,
      select: { id: true, receivedAt: true },
    }),
    db.webhookReceipt.findMany({
      where: { ...shop, status: "processing", claimedUntil: { lte: now } },
      orderBy: { receivedAt: "asc" },
      take,
      select: { id: true, receivedAt: true },
    }),
  ]);
  const due = [...pending, ...expired].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime()).slice(0, take);
  if (due.length === 0) return null;
  await options.yieldToWriters?.();
  const ids = due.map((d) => d.id);
  await db.webhookReceipt.updateMany({
    where: { id: { in: ids }, ...dueWhere },
    data: {
      status: "processing",
      claimedBy: workerId,
      claimedUntil: new Date(now.getTime() + CLAIM_MS),
      attempts: { increment: 1 },
    },
  });
  return db.webhookReceipt.findMany({
    where: { id: { in: ids }, status: "processing", claimedBy: workerId },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      webhookId: true,
      topic: true,
      body: true,
      attempts: true,
      shopId: true,
      triggeredAt: true,
      receivedAt: true,
      shop: { select: { domain: true, uninstalledAt: true } },
    },
  });
}

/**
 * PostgreSQL (several instances on one database): ONE statement picks the oldest due receipts
 * with `FOR UPDATE SKIP LOCKED` — rows another instance is claiming at this moment are passed
 * over, not waited for or fought over — marks them claimed and returns them with their shop.
 * Each status walks the (status, receivedAt) index in order; a row changed by a claim that
 * committed meanwhile is re-checked against the due condition before it is locked. Two
 * instances therefore take disjoint batches side by side (docs/decisions/0031). null: nothing
 * was due (or every due receipt is being claimed by another instance right now, which applies it).
 */
async function claimSkippingLocked(db: Db, options: ClaimOptions): Promise<ClaimedReceipt[] | null> {
  const { workerId, now, take } = options;
  await options.yieldToWriters?.();
  const at = dateParam("postgresql", now);
  const until = dateParam("postgresql", new Date(now.getTime() + CLAIM_MS));
  const shop = options.shopId ? Prisma.sql`AND "shopId" = ${options.shopId}` : Prisma.empty;
  const rows = await queryRows<(Omit<ClaimedReceipt, "shop"> & { domain: string; uninstalledAt: Date | null })[]>(
    db,
    Prisma.sql`WITH pending AS (
      SELECT "id", "receivedAt" FROM "WebhookReceipt"
      WHERE "status" = 'pending' AND ("claimedUntil" IS NULL OR "claimedUntil" <= ${at}) ${shop}
      ORDER BY "receivedAt" LIMIT ${take} FOR UPDATE SKIP LOCKED
    ), expired AS (
      SELECT "id", "receivedAt" FROM "WebhookReceipt"
      WHERE "status" = 'processing' AND "claimedUntil" <= ${at} ${shop}
      ORDER BY "receivedAt" LIMIT ${take} FOR UPDATE SKIP LOCKED
    ), picked AS (
      SELECT "id" FROM (SELECT * FROM pending UNION ALL SELECT * FROM expired) AS due
      ORDER BY "receivedAt", "id" LIMIT ${take}
    ), claimed AS (
      UPDATE "WebhookReceipt" AS r
      SET "status" = 'processing', "claimedBy" = ${workerId}, "claimedUntil" = ${until}, "attempts" = r."attempts" + 1
      FROM picked WHERE r."id" = picked."id"
      RETURNING r."id", r."webhookId", r."topic", r."body", r."attempts", r."shopId", r."triggeredAt", r."receivedAt"
    )
    SELECT c.*, s."domain", s."uninstalledAt" FROM claimed AS c JOIN "Shop" AS s ON s."id" = c."shopId"
    ORDER BY c."receivedAt", c."id"`,
  );
  if (rows.length === 0) return null;
  return rows.map(({ domain, uninstalledAt, ...receipt }) => ({
    ...receipt,
    attempts: Number(receipt.attempts),
    triggeredAt: receipt.triggeredAt === null ? null : new Date(receipt.triggeredAt),
    receivedAt: new Date(receipt.receivedAt),
    shop: { domain, uninstalledAt: uninstalledAt === null ? null : new Date(uninstalledAt) },
  }));
}

/**
 * Drains due receipts. A batch is claimed by one worker only (SQLite: a conditional update;
 * PostgreSQL: one statement with FOR UPDATE SKIP LOCKED, so instances take disjoint batches side
 * by side), then applied in shared transactions, in the order received; see
 * docs/decisions/0015-batched-apply.md and 0031-postgresql-parallel-apply.md.
 */
export async function processPendingWebhooks(db: Db, options: ProcessOptions = {}): Promise<ProcessResult> {
  const workerId = options.workerId ?? randomUUID();
  const clock = options.now ?? (() => new Date());
  const writersWaiting = options.writersWaiting ?? (() => false);
  const result: ProcessResult = { done: 0, skipped: 0, rejected: 0, retried: 0, failed: 0 };
  for (let batch = 0; batch < (options.maxBatches ?? Infinity); batch++) {
    const now = clock();
    const take = options.batchSize ?? BATCH;
    const claimed =
      dialectOf(db) === "postgresql"
        ? await claimSkippingLocked(db, {
            workerId,
            now,
            take,
            shopId: options.shopId,
            yieldToWriters: options.yieldToWriters,
          })
        : await claimReadThenUpdate(db, {
            workerId,
            now,
            take,
            shopId: options.shopId,
            yieldToWriters: options.yieldToWriters,
          });
    if (claimed === null) break;

    const ready: ReadyReceipt[] = [];
    for (const receipt of claimed) {
      const prepared = await prepareReceipt(db, receipt, clock());
      if (typeof prepared === "string") result[prepared]++;
      else ready.push(prepared);
    }
    // runs of batchable receipts share transactions; any other topic is applied alone in its turn
    for (let i = 0; i < ready.length;) {
      await options.yieldToWriters?.();
      const first = ready[i]!;
      if (!BATCHED_TOPICS.has(first.topic)) {
        result[await applyAlone(db, first, clock())]++;
        i++;
        continue;
      }
      let end = i;
      while (end < ready.length && BATCHED_TOPICS.has(ready[end]!.topic)) end++;
      const run = ready.slice(i, end);
      let taken: number;
      let failedAlone: ReadyReceipt[];
      try {
        const applied = await applyBatch(
          db,
          run,
          clock(),
          writersWaiting,
          options.transactionBudgetMs ?? TRANSACTION_BUDGET_MS,
        );
        for (const outcome of applied.outcomes) result[outcome]++;
        taken = applied.taken;
        failedAlone = applied.failedAlone;
      } catch (error) {
        // the shared transaction itself failed (busy database, a conflict at commit): nothing of
        // it was written, so its first receipt is applied alone with the usual retry rules
        log("warn", "inbox batch transaction failed; applying its first receipt alone", {
          error: error instanceof Error ? error.message.slice(0, 300) : String(error),
        });
        taken = 1;
        failedAlone = [first];
      }
      for (const item of failedAlone) result[await applyAlone(db, item, clock())]++;
      i += taken;
    }
  }
  return result;
}
