import { Prisma, type Tx } from "~/db.server";
import { queryInChunks } from "~/lib/chunks";
import {
  dialectOf,
  queryRows,
  selectWhereIn,
  updateFromValues,
  type Column,
  type SqlValue,
} from "~/lib/raw-sql.server";
import { classifyCustomer } from "~/modules/mirror/guard/classify-customer";
import { effectiveTimezone, parseShopSettings } from "~/modules/platform/settings/shop-settings";
import type { ShopScope } from "~/modules/mirror/types";
import { LTV_WINDOW_DAYS } from "./ltv-windows";
import { countPurchaseDays } from "./purchase-days";

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

/**
 * Transactions that apply a batch of webhooks or import lines: a customer touched by several of
 * its orders is recomputed once, when the batch calls `flushDeferredRollups`, not once per order.
 * Keyed by the transaction object, so every path (orders, refunds, merges, deletes) defers
 * without a new parameter; the value is the latest `now` each customer was touched at.
 */
const deferred = new WeakMap<Tx, Map<string, Map<string, Date>>>();

export function deferRollups(tx: Tx): void {
  if (!deferred.has(tx)) deferred.set(tx, new Map());
}

/** Recomputes every customer the batch touched (one set of queries per shop), and stops deferring. */
export async function flushDeferredRollups(tx: Tx): Promise<number> {
  const byShop = deferred.get(tx);
  deferred.delete(tx);
  let count = 0;
  for (const [shopId, pending] of byShop ?? []) {
    await recomputeRollups(
      tx,
      shopId,
      [...pending].map(([customerId, now]) => ({ customerId, now })),
    );
    count += pending.size;
  }
  return count;
}

/**
 * Stops deferring without recomputing: for a caller that recomputes the customers itself later
 * (the history import rebuilds every customer's rollups once, after its orders stage).
 */
export function dropDeferredRollups(tx: Tx): void {
  deferred.delete(tx);
}

/**
 * Rebuilds one customer's rollups from the order mirror (counted orders only). Recomputing
 * from source instead of incrementing keeps them right under duplicates and reordering.
 */
export async function recomputeCustomerRollups(tx: Tx, scope: ShopScope, customerId: string): Promise<void> {
  const byShop = deferred.get(tx);
  if (byShop) {
    let pending = byShop.get(scope.shopId);
    if (!pending) byShop.set(scope.shopId, (pending = new Map()));
    const at = pending.get(customerId);
    if (!at || at < scope.now) pending.set(customerId, scope.now);
    return;
  }
  await recomputeRollups(tx, scope.shopId, [{ customerId, now: scope.now }]);
}

async function recomputeRollups(tx: Tx, shopId: string, customers: { customerId: string; now: Date }[]): Promise<void> {
  if (dialectOf(tx) === "postgresql") {
    // Two instances adding orders of one customer at once: each transaction reads only the
    // orders committed before its read, so without this the later rollup UPDATE would overwrite
    // the earlier one with a count missing the other instance's order. Lock the customers first
    // (in id order, so two flushes never wait on each other crosswise); the order read below is a
    // new statement, so it sees everything the previous holder committed (docs/decisions/0031).
    const ids = [...new Set(customers.map((c) => c.customerId))].sort();
    await queryInChunks(ids, (chunk) =>
      queryRows<{ id: string }[]>(
        tx,
        Prisma.sql`SELECT "id" FROM "Customer" WHERE "id" IN (${Prisma.join(chunk)}) ORDER BY "id" FOR NO KEY UPDATE`,
      ),
    );
  }
  const [orders, shops] = await Promise.all([
    // no ORDER BY: sorting the shop's orders by date tempts SQLite into walking the
    // (shopId, shopifyCreatedAt) index — every order of the shop — instead of looking the
    // customers up in Order_reports_idx; each customer's few orders are sorted below
    selectWhereIn(
      tx,
      "Order",
      ORDER_COLUMNS,
      { shopId },
      "customerId",
      customers.map((c) => c.customerId),
      (ids) =>
        tx.order.findMany({
          where: { shopId, customerId: { in: ids }, counted: true },
          select: { customerId: true, totalPrice: true, totalRefunded: true, shopifyCreatedAt: true },
        }),
      `"counted" = 1`,
    ),
    selectWhereIn(
      tx,
      "Shop",
      [
        { name: "regularSpendThreshold", type: "bigint" },
        { name: "settings", type: "text" },
        { name: "timezone", type: "text" },
      ],
      {},
      "id",
      [shopId],
      (ids) =>
        tx.shop.findMany({
          where: { id: { in: ids } },
          select: { regularSpendThreshold: true, settings: true, timezone: true },
        }),
    ),
  ]);
  const shop = shops[0];
  if (!shop) throw new Error(`shop ${shopId} not found`);
  const byCustomer = new Map<string, typeof orders>();
  for (const order of orders) {
    const list = byCustomer.get(order.customerId!);
    if (list) list.push(order);
    else byCustomer.set(order.customerId!, [order]);
  }
  for (const list of byCustomer.values())
    list.sort((a, b) => a.shopifyCreatedAt.getTime() - b.shopifyCreatedAt.getTime());
  const settings = parseShopSettings(shop.settings);
  const phaseRules = settings.phaseRules;
  const timezone = effectiveTimezone(settings, shop.timezone);
  const rows: SqlValue[][] = [];
  const writeAt = new Date();
  // the zone's UTC offsets per quarter hour, shared by every customer of the flush
  const offsets = new Map<number, number>();
  for (const { customerId, now } of customers) {
    const own = byCustomer.get(customerId) ?? [];
    const yearAgo = now.getTime() - YEAR_MS;
    let netSpend = 0n;
    let netSpend365 = 0n;
    const firstAt = own[0]?.shopifyCreatedAt.getTime() ?? 0;
    const ltv = LTV_WINDOW_DAYS.map(() => 0n);
    for (const order of own) {
      const net = order.totalPrice - order.totalRefunded;
      netSpend += net;
      if (order.shopifyCreatedAt.getTime() >= yearAgo) netSpend365 += net;
      LTV_WINDOW_DAYS.forEach((days, i) => {
        if (order.shopifyCreatedAt.getTime() < firstAt + days * DAY_MS) ltv[i] = (ltv[i] ?? 0n) + net;
      });
    }
    const lastOrderAt = own.at(-1)?.shopifyCreatedAt ?? null;
    const phase = classifyCustomer(
      { ordersCount: own.length, netSpend365, lastOrderAt },
      now,
      shop.regularSpendThreshold,
      phaseRules,
    );
    rows.push([
      customerId,
      shopId,
      own.length,
      netSpend,
      netSpend365,
      own[0]?.shopifyCreatedAt ?? null,
      own[1]?.shopifyCreatedAt ?? null,
      lastOrderAt,
      ltv[0] ?? 0n,
      ltv[1] ?? 0n,
      ltv[2] ?? 0n,
      ltv[3] ?? 0n,
      countPurchaseDays(
        own.map((o) => o.shopifyCreatedAt),
        timezone,
        offsets,
      ),
      timezone,
      phase,
      now,
      writeAt,
    ]);
  }
  // One multi-row UPDATE (a customer touched earlier in a batch may since have been merged away
  // or rolled back with its receipt's savepoint: it is simply not matched). The merchant's
  // thresholds (regularMinOrders, dormantAfterDays) decided the phase above, not the defaults.
  await updateFromValues(
    tx,
    "Customer",
    "id",
    ROLLUP_COLUMNS,
    rows,
    ROLLUP_COLUMNS.filter((c) => c.name !== "id" && c.name !== "shopId")
      .map((c) => `"${c.name}" = v."${c.name}"`)
      .join(", "),
    `t."shopId" = v."shopId"`,
  );
}

const ORDER_COLUMNS: Column[] = [
  { name: "customerId", type: "text" },
  { name: "totalPrice", type: "bigint" },
  { name: "totalRefunded", type: "bigint" },
  { name: "shopifyCreatedAt", type: "timestamp" },
];

const ROLLUP_COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "shopId", type: "text" },
  { name: "ordersCount", type: "integer" },
  { name: "netSpend", type: "bigint" },
  { name: "netSpend365", type: "bigint" },
  { name: "firstOrderAt", type: "timestamp" },
  { name: "secondOrderAt", type: "timestamp" },
  { name: "lastOrderAt", type: "timestamp" },
  { name: "ltv30", type: "bigint" },
  { name: "ltv90", type: "bigint" },
  { name: "ltv180", type: "bigint" },
  { name: "ltv365", type: "bigint" },
  { name: "purchaseDays", type: "integer" },
  { name: "purchaseDaysZone", type: "text" },
  { name: "phase", type: "text" },
  { name: "rollupAt", type: "timestamp" },
  { name: "updatedAt", type: "timestamp" },
];
