// The history import benchmark: a synthetic store of N orders imported from a generated bulk
// JSONL (app/cli/bench-import-run.ts) in a process of its own, so its peak memory is the
// importer's. Measures the whole import, first bulk query to the job's "done".
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import os from "node:os";
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
    [
      // BENCH_IMPORT_CPU_PROF=<dir>: a V8 CPU profile of the import process (node --cpu-prof)
      ...(process.env.BENCH_IMPORT_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_IMPORT_CPU_PROF] : []),
      "--import",
      "tsx",
      path.resolve("app/cli/bench-import-run.ts"),
      file,
      shopId,
      String(orders),
    ],
    {
      encoding: "utf8",
      maxBuffer: 16 * 2 ** 20,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  if (run.status !== 0) throw new Error(`the import process failed (exit ${run.status})`);
  const { stored, seconds, cpuSeconds, stageSeconds, peakRssMb } = JSON.parse(run.stdout) as {
    stored: number;
    seconds: number;
    cpuSeconds: number;
    stageSeconds: { customers: number; orders: number };
    peakRssMb: number;
  };
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  const ordersPerSecond = Math.round(orders / seconds);
  log(
    `import: ${orders.toLocaleString()} orders in ${seconds.toFixed(1)} s (${ordersPerSecond}/s; CPU ${cpuSeconds.toFixed(1)} s; customers stage ${stageSeconds.customers} s, orders ${stageSeconds.orders} s), peak RSS ${peakRssMb} MB, load average ${os.loadavg()[0]?.toFixed(1)}`,
  );
  return {
    orders,
    stored,
    lost: orders - stored,
    seconds: Number(seconds.toFixed(1)),
    ordersPerSecond,
    cpuSeconds: Number(cpuSeconds.toFixed(1)),
    stageSeconds,
    customers: Math.max(1, Math.floor(orders / 10)),
    peakRssMb,
    database: "sqlite (embedded, WAL)",
  };
}
