// The inbox's apply rate on its own: receipts are stored first (driver-direct, as the ack does),
// then one worker drains them in this process. No HTTP, so the figure is independent of the ack rate.
import { randomBytes } from "node:crypto";
import { createDb } from "~/db.server";
import { orderWebhook } from "~/modules/platform/demo/sample-store";
import { createInboxStore } from "~/modules/ingest/inbox-store.server";
import { processPendingWebhooks } from "~/modules/ingest/process-inbox.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { migratedSqliteFile } from "./bench-db";

export interface ApplyBench {
  orders: number;
  seconds: number;
  /** this process's CPU time while draining: on a shared machine, the figure load does not inflate */
  cpuSeconds: number;
  appliedPerSecond: number;
  stored: number;
  database: string;
}

/**
 * `orders` orders/create receipts (a third of customers repeat, three orders each) stored in the
 * inbox driver-direct, as the ack does, in parallel (the PostgreSQL store's pool holds four).
 */
export async function storeOrderReceipts(url: string, shopId: string, orders: number): Promise<void> {
  const store = await createInboxStore(url);
  const customers = Math.max(1, Math.floor(orders / 3));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < orders) {
        const i = next++;
        const { topic, body } = orderWebhook({
          orderNumber: i,
          customerNumber: i % customers,
          email: `c${i % customers}@example.jp`,
          productIndex: i % 6,
          quantity: 1 + (i % 3),
          createdAt: new Date(Date.UTC(2026, 0, 1) - (i % 300) * 86_400_000),
          consent: "subscribed",
          locale: "ja",
        });
        await store.insert({ shopId, webhookId: `apply-${i}`, topic, apiVersion: "2025-07", triggeredAt: null, body });
      }
    }),
  );
  await store.close();
}

/** `orders` orders/create receipts (a third of customers repeat) applied by one in-process worker. */
export async function benchApply(
  orders: number,
  info: (line: string) => void = () => {},
  databaseUrl?: string,
): Promise<ApplyBench> {
  // the tombstone check hashes with the app's key; a bench database needs none of its own
  if (!process.env.JOREN_ENCRYPTION_KEY && !process.env.SHOPIFY_API_SECRET)
    process.env.JOREN_ENCRYPTION_KEY = randomBytes(32).toString("hex");
  const url = databaseUrl ?? `file:${migratedSqliteFile("apply")}`;
  const db = await createDb(url);
  const { shopId } = await registerLocalShop({ db, domain: "joren-apply.myshopify.com" });
  await storeOrderReceipts(url, shopId, orders);
  info(`apply: ${orders} orders/create receipts stored; draining in process…`);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await processPendingWebhooks(db);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const stored = await db.order.count({ where: { shopId } });
  await db.$disconnect();
  return {
    orders,
    seconds: Number(seconds.toFixed(2)),
    cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    appliedPerSecond: Math.round(orders / seconds),
    stored,
    database: url.startsWith("file:") ? "sqlite (embedded, WAL)" : "postgresql",
  };
}
