import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { isTransientDbError, isUniqueViolation } from "~/lib/db-errors";
import { parseJsonLossless } from "~/lib/json";
import { log } from "~/lib/log.server";
import { unstorableText } from "./normalize/unstorable-text";
import { getTopic, resolveTopic, RetryLater, type ApplyOutcome } from "./topics";

const CLAIM_MS = 60_000;
const MAX_ATTEMPTS = 8;
const BATCH = 50;

export interface ProcessResult {
  done: number;
  skipped: number;
  rejected: number;
  retried: number;
  failed: number;
}

function retryDelayMs(attempt: number): number {
  return Math.min(60_000 * 2 ** (attempt - 1), 3_600_000);
}

/**
 * Applies one claimed receipt: the domain writes and the receipt's own "done" are one
 * transaction, so a crash leaves the receipt pending and nothing half-written.
 */
async function applyReceipt(db: Db, receiptId: string, now: Date): Promise<keyof ProcessResult> {
  const receipt = await db.webhookReceipt.findUnique({ where: { id: receiptId }, include: { shop: true } });
  if (!receipt) return "skipped";
  const topic = resolveTopic(receipt.topic);
  const finish = (status: string, error: string | null) =>
    db.webhookReceipt.updateMany({
      where: { id: receipt.id },
      data: { status, error, body: null, processedAt: now, claimedBy: null, claimedUntil: null },
    });
  if (!topic || receipt.body === null) {
    await finish("skipped", topic ? "no body" : `unknown topic ${receipt.topic}`);
    return "skipped";
  }
  const definition = getTopic(topic);
  if (receipt.shop.uninstalledAt && !definition.whenUninstalled) {
    await finish("skipped", "shop uninstalled");
    return "skipped";
  }
  let parsed: unknown;
  try {
    const body = parseJsonLossless(receipt.body);
    const unstorable = unstorableText(body);
    if (unstorable) {
      await finish("rejected", `payload cannot be stored: ${unstorable}`.slice(0, 1000));
      log("warn", "webhook payload rejected", { webhookId: receipt.webhookId, topic, problems: [unstorable] });
      return "rejected";
    }
    const result = definition.schema.safeParse(body);
    if (!result.success) {
      const problems = result.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
      await finish("rejected", `payload does not match the ${topic} schema: ${problems.join("; ")}`.slice(0, 1000));
      log("warn", "webhook payload rejected", { webhookId: receipt.webhookId, topic, problems });
      return "rejected";
    }
    parsed = result.data;
  } catch {
    await finish("rejected", "body is not JSON");
    return "rejected";
  }
  try {
    const outcome: ApplyOutcome = await db.$transaction(
      async (tx) => {
        const result = await definition.apply(
          tx,
          { shopId: receipt.shopId, shopDomain: receipt.shop.domain, now: receipt.triggeredAt ?? receipt.receivedAt },
          parsed,
        );
        await tx.webhookReceipt.updateMany({
          where: { id: receipt.id },
          data: {
            status: result.status,
            error: result.status === "skipped" ? result.reason : result.note ?? null,
            body: null,
            processedAt: now,
            claimedBy: null,
            claimedUntil: null,
          },
        });
        return result;
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
    if (outcome.status === "done") {
      // the apply stands either way: a failure here is logged, never a retry of the apply
      await definition.afterCommit?.(db).catch((error: unknown) => log("warn", "webhook after-commit step failed", { webhookId: receipt.webhookId, topic, error: String(error).slice(0, 300) }));
    }
    return outcome.status;
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 500) : String(error);
    if (isTransientDbError(error)) {
      // the database was busy: not the webhook's fault, so it neither waits long nor uses up an attempt
      await db.webhookReceipt.updateMany({
        where: { id: receipt.id },
        data: { status: "pending", claimedBy: null, claimedUntil: new Date(now.getTime() + 1000), attempts: { decrement: 1 } },
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
        data: { status: "pending", error: message, claimedBy: null, claimedUntil: new Date(now.getTime() + (raced ? 1000 : retryDelayMs(receipt.attempts))) },
      });
      log("warn", "webhook apply failed; will retry", { webhookId: receipt.webhookId, topic, attempt: receipt.attempts, error: message, retryLater: error instanceof RetryLater });
      return "retried";
    }
    await finish("failed", message);
    log("error", "webhook apply failed for good", { webhookId: receipt.webhookId, topic, error: message });
    return "failed";
  }
}

/**
 * Drains due receipts. Each receipt is claimed with a conditional update first, so several
 * workers (or app instances) can drain the same inbox and every receipt is applied once.
 */
export async function processPendingWebhooks(
  db: Db,
  options: { workerId?: string; now?: () => Date; maxBatches?: number; shopId?: string; yieldToWriters?: () => Promise<void> } = {},
): Promise<ProcessResult> {
  const workerId = options.workerId ?? randomUUID();
  const clock = options.now ?? (() => new Date());
  const result: ProcessResult = { done: 0, skipped: 0, rejected: 0, retried: 0, failed: 0 };
  for (let batch = 0; batch < (options.maxBatches ?? Infinity); batch++) {
    const now = clock();
    const due = await db.webhookReceipt.findMany({
      where: {
        ...(options.shopId ? { shopId: options.shopId } : {}),
        OR: [
          { status: "pending", OR: [{ claimedUntil: null }, { claimedUntil: { lte: now } }] },
          { status: "processing", claimedUntil: { lte: now } },
        ],
      },
      orderBy: { receivedAt: "asc" },
      take: BATCH,
      select: { id: true, status: true, attempts: true },
    });
    if (due.length === 0) break;
    for (const row of due) {
      await options.yieldToWriters?.();
      const claimed = await db.webhookReceipt.updateMany({
        where: { id: row.id, status: row.status, attempts: row.attempts },
        data: { status: "processing", claimedBy: workerId, claimedUntil: new Date(now.getTime() + CLAIM_MS), attempts: { increment: 1 } },
      });
      if (claimed.count !== 1) continue;
      result[await applyReceipt(db, row.id, clock())]++;
    }
  }
  return result;
}
