// The history import benchmark: a synthetic store of N orders imported from a generated bulk
// JSONL (app/cli/bench-import-run.ts) in a process of its own, so its peak memory is the
// importer's. Measures the whole import, first bulk query to the job's "done".
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { createDb } from "~/db.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { migratedSqliteFile } from "./bench-db";

export async function benchImport(orders: number, log: (line: string) => void) {
  const file = migratedSqliteFile(`import-${orders}`);
  const db = await createDb(`file:${file}`);
  const { shopId } = await registerLocalShop({ db, domain: "bench-import.myshopify.com" });
  await db.$disconnect();
  log(`import: ${orders.toLocaleString()} orders from a synthetic bulk JSONL…`);
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", path.resolve("app/cli/bench-import-run.ts"), file, shopId, String(orders)],
    {
      encoding: "utf8",
      maxBuffer: 16 * 2 ** 20,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  if (run.status !== 0) throw new Error(`the import process failed (exit ${run.status})`);
  const { stored, seconds, peakRssMb } = JSON.parse(run.stdout) as {
    stored: number;
    seconds: number;
    peakRssMb: number;
  };
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  const ordersPerSecond = Math.round(orders / seconds);
  log(
    `import: ${orders.toLocaleString()} orders in ${seconds.toFixed(1)} s (${ordersPerSecond}/s), peak RSS ${peakRssMb} MB`,
  );
  return {
    orders,
    stored,
    lost: orders - stored,
    seconds: Number(seconds.toFixed(1)),
    ordersPerSecond,
    peakRssMb,
    database: "sqlite (embedded, WAL)",
  };
}
