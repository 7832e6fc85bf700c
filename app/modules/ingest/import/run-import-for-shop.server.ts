// The history import for a shop named by its domain: picks the shop's Admin port (the fake
// for a local shop, the real one otherwise), notes what limits the import, and runs (or
// resumes) it.
import type { Db } from "~/db.server";
import type { AdminPort } from "~/modules/platform/shopify/admin-port";
import { adminPortForShop } from "~/modules/platform/shopify/admin-port-for-shop.server";
import { runHistoryImport, type HistoryImportProgress, type ImportCounts } from "./run-history-import.server";

export interface RunImportForShopOptions {
  db: Db;
  domain: string;
  onProgress?: (progress: HistoryImportProgress) => void;
  now?: () => Date;
  /** replaces the shop's own port (tests, the demo) */
  admin?: AdminPort;
  /** lines per transaction (and per resume point); DEFAULT_BATCH_SIZE when absent */
  batchSize?: number;
}

export interface RunImportForShopResult {
  shop: string;
  jobId: string;
  counts: ImportCounts;
  /** what the merchant should know, e.g. a missing scope that limits what was imported */
  warnings: string[];
}

export async function runImportForShop(options: RunImportForShopOptions): Promise<RunImportForShopResult> {
  const warnings: string[] = [];
  let shopId: string;
  let admin: AdminPort;
  if (options.admin) {
    const shop = await options.db.shop.findUnique({ where: { domain: options.domain }, select: { id: true } });
    if (!shop) throw new Error(`${options.domain} is not known here: install the app on it, or add it as a local shop`);
    shopId = shop.id;
    admin = options.admin;
  } else {
    const port = await adminPortForShop(options.db, options.domain);
    shopId = port.shopId;
    admin = port.admin;
    if (port.local) {
      warnings.push(
        `${options.domain} is a local shop: there is no Shopify history to import; its data arrives through webhooks`,
      );
    }
    if (port.scopes && !port.scopes.includes("read_all_orders")) {
      warnings.push(
        "the app lacks read_all_orders: Shopify returns only the last 60 days of orders; grant it, then import again for the full history",
      );
    }
  }
  const result = await runHistoryImport({
    db: options.db,
    shopId,
    admin,
    now: options.now,
    onProgress: options.onProgress,
    batchSize: options.batchSize,
  });
  return { shop: options.domain, jobId: result.jobId, counts: result.counts, warnings };
}
