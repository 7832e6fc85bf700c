// The reports benchmark: the tick benchmark's synthetic shop (ten orders per customer over two
// years, generated with batched createMany), thinned to a realistic spread of repeat buyers
// (the rest cancelled), its customer rollups filled in one SQL pass, some orders partly refunded, and a message ledger (three scenarios, 10% held out,
// clicks) — then every report once, timed.
import { rmSync } from "node:fs";
import { createDb, type Db } from "~/db.server";
import { LTV_WINDOW_DAYS } from "~/modules/mirror/customers/ltv-windows";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { migratedSqliteFile } from "./bench-db";
import { generate } from "./bench-tick";
import { cycleAt } from "~/lib/arrays";

const NOW = new Date("2026-11-23T03:00:00Z");
const DAY = 86_400_000;
const CHUNK = 2000;
const SCENARIOS = ["cart_abandonment", "browse_abandonment", "welcome"];

async function fillRollups(db: Db, shopId: string): Promise<void> {
  // Real shops are mostly one-time buyers: customer n keeps its first K(n) generated orders
  // (half keep 1, a quarter 2, …) and the rest become cancelled, uncounted orders. Rows were
  // inserted customer by customer, so rowid − 1 = n × 10 + k.
  await db.$executeRawUnsafe(
    `UPDATE "Order" SET counted = 0, "cancelledAt" = "shopifyCreatedAt" WHERE "shopId" = ? AND ((rowid - 1) % 10) >=
       (CASE WHEN ((rowid - 1) / 10 * 7919) % 64 < 32 THEN 1 WHEN ((rowid - 1) / 10 * 7919) % 64 < 48 THEN 2
             WHEN ((rowid - 1) / 10 * 7919) % 64 < 56 THEN 3 WHEN ((rowid - 1) / 10 * 7919) % 64 < 60 THEN 5 ELSE 10 END)`,
    shopId,
  );
  // Refunds, so the rollups below see them: every seventh order gives back a third.
  await db.$executeRawUnsafe(
    `UPDATE "Order" SET "totalRefunded" = "totalPrice" / 3 WHERE "shopId" = ? AND (rowid % 7) = 0`,
    shopId,
  );
  await db.$executeRawUnsafe(
    `UPDATE "Customer" SET
       "netSpend" = (SELECT COALESCE(SUM(o."totalPrice" - o."totalRefunded"), 0) FROM "Order" o WHERE o."shopId" = "Customer"."shopId" AND o."customerId" = "Customer".id AND o.counted = 1),
       "firstOrderAt" = (SELECT MIN(o."shopifyCreatedAt") FROM "Order" o WHERE o."shopId" = "Customer"."shopId" AND o."customerId" = "Customer".id AND o.counted = 1),
       "lastOrderAt" = (SELECT MAX(o."shopifyCreatedAt") FROM "Order" o WHERE o."shopId" = "Customer"."shopId" AND o."customerId" = "Customer".id AND o.counted = 1),
       "secondOrderAt" = (SELECT o."shopifyCreatedAt" FROM "Order" o WHERE o."shopId" = "Customer"."shopId" AND o."customerId" = "Customer".id AND o.counted = 1 ORDER BY o."shopifyCreatedAt" LIMIT 1 OFFSET 1)
     WHERE "shopId" = ?`,
    shopId,
  );
  // the LTV windows, once firstOrderAt is known (the same statement as the migration's backfill)
  await db.$executeRawUnsafe(
    `UPDATE "Customer" SET ${LTV_WINDOW_DAYS.map(
      (days) =>
        `"ltv${days}" = (SELECT COALESCE(SUM(o."totalPrice" - o."totalRefunded"), 0) FROM "Order" o WHERE o."shopId" = "Customer"."shopId" AND o."customerId" = "Customer".id AND o.counted = 1
           AND o."shopifyCreatedAt" < strftime('%Y-%m-%dT%H:%M:%f', "Customer"."firstOrderAt", '+${days} days') || '+00:00')`,
    ).join(", ")}
     WHERE "shopId" = ? AND "firstOrderAt" IS NOT NULL`,
    shopId,
  );
  // the CLV model's purchase days: distinct Tokyo days (UTC+9 all year; the migration's backfill)
  await db.$executeRawUnsafe(
    `UPDATE "Customer" SET "purchaseDaysZone" = 'Asia/Tokyo', "purchaseDays" = (SELECT COUNT(DISTINCT CAST(julianday(o."shopifyCreatedAt") + 540 / 1440.0 + 0.5 AS INTEGER)) FROM "Order" o
       WHERE o."shopId" = "Customer"."shopId" AND o."customerId" = "Customer".id AND o.counted = 1) WHERE "shopId" = ?`,
    shopId,
  );
  await db.$executeRawUnsafe(
    `UPDATE "Customer" SET "ordersCount" = (SELECT COUNT(*) FROM "Order" o WHERE o."shopId" = "Customer"."shopId" AND o."customerId" = "Customer".id AND o.counted = 1) WHERE "shopId" = ?`,
    shopId,
  );
}

async function generateMessages(db: Db, shopId: string, customers: number): Promise<number> {
  let created = 0;
  // one message per customer for a third of them, a tenth held out, a quarter of the sent clicked
  const rows = [];
  for (let n = 0; n < customers; n += 3) {
    const heldOut = n % 10 === 0;
    const sentAt = new Date(NOW.getTime() - (5 + (n % 300)) * DAY);
    rows.push({
      shopId,
      scenario: cycleAt(SCENARIOS, n, "scenario"),
      customerId: `c${n}`,
      triggerKey: `bench:${n}`,
      status: heldOut ? "held_out" : "sent",
      holdout: heldOut,
      dueAt: sentAt,
      createdAt: sentAt,
      sentAt: heldOut ? null : sentAt,
      deliveredAt: heldOut ? null : sentAt,
      openedAt: heldOut || n % 2 ? null : sentAt,
      clickedAt: heldOut || n % 4 ? null : new Date(sentAt.getTime() + 3_600_000),
    });
  }
  for (let i = 0; i < rows.length; i += CHUNK)
    created += (await db.message.createMany({ data: rows.slice(i, i + CHUNK) })).count;
  return created;
}

/** Each report once over the shop's whole history (CLV twice: the day's first, then the same day's next), in seconds (ms precision). */
export async function runReportsTimed(db: Db, shopId: string, now: Date): Promise<Record<string, number>> {
  const reports = await import("~/modules/reports");
  const range = await reports.resolveReportRange(db, shopId, { now });
  const runs: [string, () => Promise<unknown>][] = [
    ["summary", () => reports.getSummaryReport(db, shopId, range)],
    ["ltv", () => reports.getLtvReport(db, shopId, range)],
    // the first CLV of the day also computes the model's split check; the next one reuses it (ADR 0016)
    ["clv", () => reports.getClvReport(db, shopId, range)],
    ["clvSameDay", () => reports.getClvReport(db, shopId, range)],
    ["repeat", () => reports.getRepeatReport(db, shopId, range)],
    ["cohorts", () => reports.getCohortReport(db, shopId, range)],
    ["pareto", () => reports.getParetoReport(db, shopId, range)],
    ["rfm", () => reports.getRfmReport(db, shopId, range)],
    ["scenarios", () => reports.getScenarioReport(db, shopId, range)],
    ["emailRevenue", () => reports.getEmailRevenueReport(db, shopId, range)],
  ];
  const seconds: Record<string, number> = {};
  for (const [name, run] of runs) {
    const started = performance.now();
    await run();
    seconds[name] = Number(((performance.now() - started) / 1000).toFixed(3));
  }
  return seconds;
}

/** A migrated SQLite file holding the benchmark shop with about `orders` orders. */
export async function prepareReportsDb(orders: number, log: (m: string) => void) {
  const ordersPerCustomer = 10;
  const customers = Math.max(10, Math.round(orders / ordersPerCustomer));
  const file = migratedSqliteFile(`reports-${orders}`);
  const db = await createDb(`file:${file}`);
  const { shopId } = await registerLocalShop({
    db,
    domain: "bench-reports.myshopify.com",
    timezone: "Asia/Tokyo",
    currency: "JPY",
  });
  log(
    `reports: generating ${customers.toLocaleString()} customers and ${(customers * ordersPerCustomer).toLocaleString()} orders…`,
  );
  await generate(db, shopId, customers, ordersPerCustomer, 0);
  await fillRollups(db, shopId);
  const messages = await generateMessages(db, shopId, customers);
  await db.$queryRawUnsafe("ANALYZE");
  await db.$disconnect();
  return { file, shopId, customers, orders: customers * ordersPerCustomer, messages };
}

export async function benchReports(orders: number, log: (m: string) => void) {
  const prepared = await prepareReportsDb(orders, log);
  const db = await createDb(`file:${prepared.file}`);
  const seconds = await runReportsTimed(db, prepared.shopId, NOW);
  await db.$disconnect();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(prepared.file + suffix, { force: true });
  const slowest = Object.entries(seconds).sort((a, b) => b[1] - a[1])[0];
  log(`reports: ${prepared.orders.toLocaleString()} orders, slowest ${slowest?.[0]} ${slowest?.[1].toFixed(3)} s`);
  return { orders: prepared.orders, customers: prepared.customers, messages: prepared.messages, seconds };
}
