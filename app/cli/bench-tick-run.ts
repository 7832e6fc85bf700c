// Child process of `bench`: one engine tick on a prepared database; prints JSON with the
// summary, the seconds the tick took and this process's peak resident memory.
import { readFileSync } from "node:fs";
import { createDb } from "~/db.server";
import { runTick } from "~/modules/engine/tick.server";
import { createOutboxTransport } from "~/modules/delivery/mail/outbox-transport";
import { createPrismaOutboxStore } from "~/modules/delivery/mail/prisma-outbox-store.server";
import { createFakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";

const [file, shopId, nowText] = process.argv.slice(2);
if (!file || !shopId || !nowText) throw new Error("usage: bench-tick-run <sqlite file> <shop id> <now as ISO time>");
const db = await createDb(`file:${file}`);
const started = performance.now();
const summary = await runTick(db, shopId, new Date(nowText), {
  transport: createOutboxTransport(createPrismaOutboxStore(db, shopId)),
  admin: createFakeAdminPort({}),
  appUrl: "https://joren.bench",
  mailSecret: "b".repeat(40),
});
const seconds = (performance.now() - started) / 1000;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
await db.$disconnect();
process.stdout.write(JSON.stringify({ summary, seconds, peakRssMb: hwm ? Math.round(Number(hwm[1]) / 1024) : null }));
