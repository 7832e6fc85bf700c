// The engine benchmark: a synthetic shop of the given size where 1% of customers have an
// abandoned checkout that is due, then one tick. Data is generated with batched createMany
// (not through webhooks: the ingest benchmark measures that path).
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import type { Db } from "~/db.server";
import { createDb } from "~/db.server";
import type { TickSummary } from "~/modules/engine/tick.server";
import { setScenarioConfig } from "~/modules/engine/scenarios/scenario-config.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { assignShopSettings } from "~/modules/platform/settings/shop-settings.server";
import { migratedSqliteFile } from "./bench-db";

const NOW = new Date("2026-11-23T03:00:00Z");
const DAY = 86_400_000;
const CHUNK = 2000;

export async function generate(
  db: Db,
  shopId: string,
  customers: number,
  ordersPerCustomer: number,
  duePercent: number,
): Promise<number> {
  await db.product.create({
    data: {
      shopId,
      gid: "gid://shopify/Product/1",
      title: "Sencha",
      handle: "sencha",
      status: "active",
      variants: { create: { shopId, gid: "gid://shopify/ProductVariant/1", price: 1_620_000n, available: 100 } },
    },
  });
  for (let start = 0; start < customers; start += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, customers - start) }, (_, i) => start + i);
    await db.customer.createMany({
      data: ids.map((n) => ({
        id: `c${n}`,
        shopId,
        gid: `gid://shopify/Customer/${n + 1}`,
        email: `c${n}@example.jp`,
        emailNormalized: `c${n}@example.jp`,
        emailConsent: "SUBSCRIBED",
        emailConsentAt: new Date(NOW.getTime() - 400 * DAY),
        ordersCount: ordersPerCustomer,
        locale: "ja",
        phase: "repeat",
        shopifyCreatedAt: new Date(NOW.getTime() - 800 * DAY),
      })),
    });
    const orders = ids.flatMap((n) =>
      Array.from({ length: ordersPerCustomer }, (_, k) => ({
        id: `o${n}-${k}`,
        shopId,
        gid: `gid://shopify/Order/${n * ordersPerCustomer + k + 1}`,
        customerId: `c${n}`,
        email: `c${n}@example.jp`,
        emailNormalized: `c${n}@example.jp`,
        totalPrice: 3_240_000n,
        subtotalPrice: 3_240_000n,
        financialStatus: "paid",
        counted: true,
        shopifyCreatedAt: new Date(NOW.getTime() - (10 + ((n * 7 + k * 53) % 700)) * DAY),
      })),
    );
    for (let i = 0; i < orders.length; i += CHUNK) await db.order.createMany({ data: orders.slice(i, i + CHUNK) });
  }
  const due = Math.max(1, Math.round((customers * duePercent) / 100));
  const step = Math.floor(customers / due);
  const checkouts = Array.from({ length: due }, (_, i) => i * step).map((n) => ({
    shopId,
    token: `tok${n}`,
    customerId: `c${n}`,
    customerGid: `gid://shopify/Customer/${n + 1}`,
    email: `c${n}@example.jp`,
    emailNormalized: `c${n}@example.jp`,
    totalPrice: 1_620_000n,
    abandonedCheckoutUrl: `https://bench.myshopify.com/checkouts/tok${n}/recover`,
    lines: JSON.stringify([
      {
        productGid: "gid://shopify/Product/1",
        variantGid: "gid://shopify/ProductVariant/1",
        title: "Sencha",
        variantTitle: null,
        quantity: 1,
        price: "1620000",
      },
    ]),
    shopifyCreatedAt: new Date(NOW.getTime() - 2 * 3_600_000),
    shopifyUpdatedAt: new Date(NOW.getTime() - 2 * 3_600_000),
  }));
  for (let i = 0; i < checkouts.length; i += CHUNK)
    await db.checkout.createMany({ data: checkouts.slice(i, i + CHUNK) });
  return due;
}

export async function benchTick(orders: number, log: (m: string) => void) {
  const ordersPerCustomer = 10;
  const customers = Math.max(10, Math.round(orders / ordersPerCustomer));
  const file = migratedSqliteFile(`tick-${orders}`);
  const db = await createDb(`file:${file}`);
  const { shopId } = await registerLocalShop({ db, domain: "bench-tick.myshopify.com" });
  await assignShopSettings(db, shopId, [
    "senderName=Bench",
    "senderEmail=b@example.jp",
    "senderAddress=Tokyo",
    "senderContact=b@example.jp",
    "quietHours=off",
  ]);
  await setScenarioConfig(db, shopId, "cart_abandonment", { enabled: true });
  log(
    `tick: generating ${customers.toLocaleString()} customers and ${(customers * ordersPerCustomer).toLocaleString()} orders…`,
  );
  const due = await generate(db, shopId, customers, ordersPerCustomer, 1);
  await db.$disconnect();
  // The tick runs in a process of its own, so its memory is measured without the generator's.
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", path.resolve("app/cli/bench-tick-run.ts"), file, shopId, NOW.toISOString()],
    {
      encoding: "utf8",
      maxBuffer: 16 * 2 ** 20,
    },
  );
  if (run.status !== 0) throw new Error(`the tick process failed: ${run.stderr}`);
  const { summary, seconds, peakRssMb } = JSON.parse(run.stdout) as {
    summary: TickSummary;
    seconds: number;
    peakRssMb: number;
  };
  const sent = summary.decided.cart_abandonment?.sent ?? 0;
  const heldOut = summary.decided.cart_abandonment?.held_out ?? 0;
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  log(
    `tick: ${orders.toLocaleString()} orders, ${due} due → ${sent} sent, ${heldOut} held out in ${seconds.toFixed(2)} s`,
  );
  return {
    orders: customers * ordersPerCustomer,
    customers,
    due,
    sent,
    heldOut,
    seconds: Number(seconds.toFixed(3)),
    peakRssMb,
  };
}
