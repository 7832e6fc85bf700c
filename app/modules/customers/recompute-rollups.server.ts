import type { Tx } from "~/db.server";
import { classifyCustomer } from "~/modules/guard/classify-customer";
import { parseShopSettings } from "~/modules/settings/shop-settings";
import type { ShopScope } from "~/modules/ingest/types";
import { LTV_WINDOW_DAYS } from "./ltv-windows";

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

/**
 * Rebuilds one customer's rollups from the order mirror (counted orders only). Recomputing
 * from source instead of incrementing keeps them right under duplicates and reordering.
 */
export async function recomputeCustomerRollups(tx: Tx, scope: ShopScope, customerId: string): Promise<void> {
  const [orders, shop] = await Promise.all([
    tx.order.findMany({
      where: { shopId: scope.shopId, customerId, counted: true },
      select: { totalPrice: true, totalRefunded: true, shopifyCreatedAt: true },
      orderBy: { shopifyCreatedAt: "asc" },
    }),
    tx.shop.findUniqueOrThrow({ where: { id: scope.shopId }, select: { regularSpendThreshold: true, settings: true } }),
  ]);
  const yearAgo = scope.now.getTime() - YEAR_MS;
  let netSpend = 0n;
  let netSpend365 = 0n;
  const firstAt = orders[0]?.shopifyCreatedAt.getTime() ?? 0;
  const ltv = LTV_WINDOW_DAYS.map(() => 0n);
  for (const order of orders) {
    const net = order.totalPrice - order.totalRefunded;
    netSpend += net;
    if (order.shopifyCreatedAt.getTime() >= yearAgo) netSpend365 += net;
    LTV_WINDOW_DAYS.forEach((days, i) => {
      if (order.shopifyCreatedAt.getTime() < firstAt + days * DAY_MS) ltv[i] += net;
    });
  }
  const lastOrderAt = orders.at(-1)?.shopifyCreatedAt ?? null;
  await tx.customer.update({
    where: { id: customerId },
    data: {
      ordersCount: orders.length,
      netSpend,
      netSpend365,
      firstOrderAt: orders[0]?.shopifyCreatedAt ?? null,
      secondOrderAt: orders[1]?.shopifyCreatedAt ?? null,
      lastOrderAt,
      ltv30: ltv[0],
      ltv90: ltv[1],
      ltv180: ltv[2],
      ltv365: ltv[3],
      // the merchant's thresholds (regularMinOrders, dormantAfterDays), not the defaults
      phase: classifyCustomer({ ordersCount: orders.length, netSpend365, lastOrderAt }, scope.now, shop.regularSpendThreshold, parseShopSettings(shop.settings).phaseRules),
      rollupAt: scope.now,
    },
  });
}
