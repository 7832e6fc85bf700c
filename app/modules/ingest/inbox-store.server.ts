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
  const statement = sqlite.prepare(
    `INSERT INTO "WebhookReceipt" (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0) ON CONFLICT ("shopId", "webhookId") DO NOTHING`,
  );
  // Prisma's SQLite adapter stores DateTime as ISO-8601 text with "+00:00"; match it exactly,
  // because SQLite compares and sorts these as text.
  const iso = (d: Date | null) => (d ? d.toISOString().replace("Z", "+00:00") : null);
  return {
    async insert(r) {
      const id = randomUUID();
      const receivedAt = iso(new Date());
      const deadline = Date.now() + BUSY_RETRY_MS;
      for (let attempt = 0; ; attempt++) {
        try {
          return statement.run(id, r.shopId, r.webhookId, r.topic, r.apiVersion, iso(r.triggeredAt), receivedAt, r.body)
            .changes;
        } catch (error) {
          const busy = (error as { code?: string }).code === "SQLITE_BUSY";
          if (!busy || Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.min(1 + attempt, 10)));
        }
      }
    },
    async close() {
      sqlite.close();
    },
  };
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
