// The checkout discount as the embedded admin drives it: which AdminPort a page uses, the
// Onboarding page's "Activate" button, and the settings page's config refresh. Failures come
// back as values, never thrown: Shopify being unreachable must not break a page or lose a save.
import type { Db } from "~/db.server";
import { log } from "~/lib/log.server";
import type { ShopAdminPort } from "~/modules/platform/shopify/admin-port-for-shop.server";
import { adminPortForShop } from "~/modules/platform/shopify/admin-port-for-shop.server";
import { parseShopSettings } from "~/modules/platform/settings/shop-settings";
import { adminProblemOf, type AdminProblem } from "~/modules/platform/shopify/admin-problem";
import {
  activateCheckoutDiscount,
  firstPurchaseDiscountInput,
  firstPurchaseFunctionConfig,
  isPendingClaim,
  syncCheckoutDiscountConfig,
  type CheckoutDiscountStatus,
} from "./checkout-discount.server";

/**
 * A local shop's fake keeps its discounts in memory and adminPortForShop makes a new one per
 * call, so "Activate" and the next page load would ask two different fakes. Kept per process
 * instead. A local shop has no Shopify that outlives a process, so a new fake starts with the
 * discount Joren recorded as created (by onboarding in another process — the demo's CLI — or
 * before a restart): the guard is active from the start, as it stays in a real store.
 */
const localPorts = new Map<string, ShopAdminPort>();

export async function guardAdminPort(db: Db, domain: string): Promise<ShopAdminPort> {
  const cached = localPorts.get(domain);
  if (cached) return cached;
  const shop = await db.shop.findUnique({
    where: { domain },
    select: { isLocal: true, guardDiscountId: true, settings: true, currency: true, installedAt: true },
  });
  const recorded =
    shop?.isLocal && shop.guardDiscountId && !isPendingClaim(shop.guardDiscountId) ? shop.guardDiscountId : null;
  const port = await adminPortForShop(db, domain, {
    fakeStore: recorded
      ? {
          automaticDiscounts: [
            {
              discountId: recorded,
              status: "ACTIVE",
              input: firstPurchaseDiscountInput(
                shop!.installedAt,
                firstPurchaseFunctionConfig(parseShopSettings(shop!.settings), shop!.currency),
              ),
            },
          ],
        }
      : undefined,
  });
  if (port.local) localPorts.set(domain, port);
  return port;
}

export type ActivateCheckoutDiscountResult =
  | { ok: true; status: CheckoutDiscountStatus }
  | { ok: false; reason: "function_not_deployed" }
  | { ok: false; reason: "admin_error"; problem: AdminProblem };

/** The merchant pressed "Activate": a discount deleted in Shopify is created anew. */
export async function activateCheckoutDiscountFromAdmin(input: {
  db: Db;
  shop: { id: string; domain: string };
  now: Date;
}): Promise<ActivateCheckoutDiscountResult> {
  try {
    const { admin } = await guardAdminPort(input.db, input.shop.domain);
    const status = await activateCheckoutDiscount({
      db: input.db,
      shopId: input.shop.id,
      admin,
      now: input.now,
      recreateIfMissing: true,
    });
    if (!status.functionFound) return { ok: false, reason: "function_not_deployed" };
    return { ok: true, status };
  } catch (error) {
    log("warn", "first-purchase discount activation from the admin failed", {
      shop: input.shop.domain,
      error: (error as Error).message,
    });
    return { ok: false, reason: "admin_error", problem: adminProblemOf(error) };
  }
}

export type SyncCheckoutDiscountResult = { ok: true; synced: boolean } | { ok: false; problem: AdminProblem };

/** After the settings are saved: the Function's configuration follows them. */
export async function syncCheckoutDiscountFromAdmin(input: {
  db: Db;
  shop: { id: string; domain: string };
}): Promise<SyncCheckoutDiscountResult> {
  try {
    const { admin } = await guardAdminPort(input.db, input.shop.domain);
    return { ok: true, synced: await syncCheckoutDiscountConfig({ db: input.db, shopId: input.shop.id, admin }) };
  } catch (error) {
    log("warn", "first-purchase discount configuration could not be updated", {
      shop: input.shop.domain,
      error: (error as Error).message,
    });
    return { ok: false, problem: adminProblemOf(error) };
  }
}
