// Child process of `bench` (ingest.postgresql.applied): ONE app instance's inbox worker — its own
// Prisma client, connection pool and process — draining the PostgreSQL inbox it shares with the
// other instances of the run. It connects, warms up on a shop of its own (a long-running
// instance has compiled its code paths and opened its pool), says "ready", waits for "go" (so
// every instance starts at once), drains until no receipt is pending or being applied anywhere, reports its own figures
// and waits for "exit" (the parent reads PostgreSQL's CPU for this instance's backends first).
import { createDb } from "~/db.server";
import { processPendingWebhooks, type ProcessResult } from "~/modules/ingest/process-inbox.server";

const [url, workerId, warmUpShopId] = process.argv.slice(2);
if (!url || !workerId || !warmUpShopId || !process.send)
  throw new Error("usage: bench-apply-pg-run <postgresql url> <worker id> <warm-up shop id> (IPC)");
const send = (message: unknown) => process.send?.(message);
const next = (type: string) =>
  new Promise<void>((resolve) => {
    const listener = (message: { type?: string }) => {
      if (message.type !== type) return;
      process.off("message", listener);
      resolve();
    };
    process.on("message", listener);
  });

const db = await createDb(url);
await processPendingWebhooks(db, { workerId, shopId: warmUpShopId });
const go = next("go");
send({ type: "ready" });
await go;

const totals: ProcessResult = { done: 0, skipped: 0, rejected: 0, retried: 0, failed: 0 };
const started = performance.now();
const cpuBefore = process.cpuUsage();
let activeSeconds = 0;
for (;;) {
  const result = await processPendingWebhooks(db, { workerId });
  let worked = false;
  for (const key of Object.keys(totals) as (keyof ProcessResult)[]) {
    totals[key] += result[key];
    if (result[key] > 0) worked = true;
  }
  if (worked) activeSeconds = (performance.now() - started) / 1000;
  // the other instance may still hold receipts (or one waits for its retry): as the worker
  // polls, this one looks again shortly, until nothing is left anywhere
  const open = await db.webhookReceipt.count({ where: { status: { in: ["pending", "processing"] } } });
  if (open === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const cpu = process.cpuUsage(cpuBefore);
const exit = next("exit");
send({
  type: "done",
  workerId,
  seconds: (performance.now() - started) / 1000,
  activeSeconds,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  ...totals,
});
await exit;
await db.$disconnect();
process.exit(0);
