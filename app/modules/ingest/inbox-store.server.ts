// The one write on the webhook ack path, done with the database driver directly: through Prisma
// (whose JS engine compiles every statement, raw ones too) it cost a quarter of each ack at storm
// rates (docs/decisions/0004). Portable SQL; ON CONFLICT turns a redelivery into a no-op.
import { randomUUID } from "node:crypto";
import { isPostgresUrl, DEFAULT_DATABASE_URL } from "~/db.server";

export interface ReceiptRow {
  shopId: string;
  webhookId: string;
  topic: string;
  apiVersion: string;
  triggeredAt: Date | null;
  body: string;
}

export interface InboxStore {
  /** 1 when stored, 0 when this webhook id was stored before */
  insert(row: ReceiptRow): Promise<number>;
  close(): Promise<void>;
}

/** how long an ack keeps retrying a locked database before answering 503 (Shopify retries) */
const BUSY_RETRY_MS = 3000;

const INSERT_COLUMNS = `"id", "shopId", "webhookId", "topic", "apiVersion", "triggeredAt", "receivedAt", "status", "body", "attempts"`;

async function createSqliteInboxStore(url: string): Promise<InboxStore> {
  const { default: Database } = await import("better-sqlite3");
  const file = url.replace(/^file:/, "");
  // No synchronous busy wait: it would stall every request on this thread while the inbox
  // worker commits. SQLITE_BUSY is retried asynchronously instead (below).
  const sqlite = new Database(file, { timeout: 0 });
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  // as every other connection (db.server.ts): an insert that splits or defragments a page moves
  // other receipts' cells, and their old copies (bodies naming people) must not stay in free
  // space after an erasure (docs/decisions/0014)
  sqlite.pragma("secure_delete = ON");
  const statement = sqlite.prepare(
    `INSERT INTO "WebhookReceipt" (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0) ON CONFLICT ("shopId", "webhookId") DO NOTHING`,
  );
  // Prisma's SQLite adapter stores DateTime as ISO-8601 text with "+00:00"; match it exactly,
  // because SQLite compares and sorts these as text.
  const iso = (d: Date | null) => (d ? d.toISOString().replace("Z", "+00:00") : null);
  const insertOne = (r: Pending) =>
    statement.run(
      r.id,
      r.row.shopId,
      r.row.webhookId,
      r.row.topic,
      r.row.apiVersion,
      iso(r.row.triggeredAt),
      r.receivedAt,
      r.row.body,
    ).changes;
  // BEGIN IMMEDIATE: with the inbox worker holding the write lock it fails at once (no busy wait)
  const insertAll = sqlite.transaction((rows: readonly Pending[]) => rows.map(insertOne)).immediate;

  // Group commit: the acks whose inserts arrive in the same turn of the event loop are written in
  // one transaction, and each is answered only after that commit (docs/decisions/0029). While the
  // worker holds the write lock they wait together, one retry timer for all of them.
  let queue: Pending[] = [];
  let scheduled = false;
  const schedule = (delayMs: number) => {
    scheduled = true;
    if (delayMs === 0) setImmediate(flush);
    else setTimeout(flush, delayMs);
  };
  const flush = () => {
    scheduled = false;
    const rows = queue;
    queue = [];
    if (rows.length === 0) return;
    try {
      const changes = insertAll(rows);
      rows.forEach((r, i) => r.resolve(changes[i] ?? 0));
    } catch (error) {
      if (isBusy(error)) {
        const now = Date.now();
        for (const r of rows) {
          if (now > r.deadline) r.reject(error);
          else queue.push(r);
        }
        // the worker's transactions are short (docs/decisions/0015): poll the lock every millisecond
        if (queue.length > 0 && !scheduled) schedule(1);
        return;
      }
      // one row's error (a shop deleted meanwhile: foreign key) must not fail the others
      for (const r of rows) {
        try {
          r.resolve(insertOne(r));
        } catch (own) {
          if (isBusy(own)) {
            queue.push(r);
            if (!scheduled) schedule(1);
          } else r.reject(own);
        }
      }
    }
  };
  return {
    insert(row) {
      return new Promise<number>((resolve, reject) => {
        queue.push({
          row,
          id: randomUUID(),
          receivedAt: iso(new Date()),
          deadline: Date.now() + BUSY_RETRY_MS,
          resolve,
          reject,
        });
        if (!scheduled) schedule(0);
      });
    },
    async close() {
      sqlite.close();
    },
  };
}

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, …): the lock, not the row */
const isBusy = (error: unknown) => String((error as { code?: unknown } | null)?.code ?? "").startsWith("SQLITE_BUSY");

interface Pending {
  row: ReceiptRow;
  id: string;
  receivedAt: string | null;
  deadline: number;
  resolve: (changes: number) => void;
  reject: (error: unknown) => void;
}

async function createPostgresInboxStore(url: string): Promise<InboxStore> {
  const { default: pg } = await import("pg");
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema");
  parsed.searchParams.delete("schema");
  const table = schema ? `"${schema.replace(/"/g, "")}"."WebhookReceipt"` : `"WebhookReceipt"`;
  // A locked table must not hold the ack past Shopify's 5 s: give up after BUSY_RETRY_MS and
  // answer 503 (Shopify retries) instead of waiting for the lock.
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: 4,
    lock_timeout: BUSY_RETRY_MS,
    statement_timeout: 2 * BUSY_RETRY_MS,
  });
  const sql = `INSERT INTO ${table} (${INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, 0) ON CONFLICT ("shopId", "webhookId") DO NOTHING`;
  return {
    async insert(r) {
      const result = await pool.query(sql, [
        randomUUID(),
        r.shopId,
        r.webhookId,
        r.topic,
        r.apiVersion,
        r.triggeredAt,
        new Date(),
        r.body,
      ]);
      return result.rowCount ?? 0;
    },
    close: () => pool.end(),
  };
}

export function createInboxStore(url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Promise<InboxStore> {
  return isPostgresUrl(url) ? createPostgresInboxStore(url) : createSqliteInboxStore(url);
}

declare global {
  var __jorenInboxStore: Promise<InboxStore> | undefined;
}

export function getInboxStore(): Promise<InboxStore> {
  globalThis.__jorenInboxStore ??= createInboxStore();
  return globalThis.__jorenInboxStore;
}
