// Home: the shop's key figures and what needs the merchant's attention, as data (the page words
// it in the admin's language). Counts and sums are single aggregate queries.
import type { Tx } from "~/db.server";
import { getPeriodActivity } from "~/modules/reports/period-reports.server";
import { guardCounters, type GuardCounters } from "~/modules/mirror/guard/guard-counters.server";
import { isSenderIdentityComplete } from "~/modules/platform/settings/shop-settings";
import { getOnboardingStatus, type ImportProgress } from "./onboarding-status.server";
import { getShopSettings } from "../../platform/settings/shop-settings.server";

export const KPI_WINDOW_DAYS = 30;

export type AttentionItem =
  | { code: "sender_identity_missing"; fields: ("name" | "email" | "postalAddress" | "contact")[] }
  | { code: "import_not_started" }
  | { code: "import_running"; progress: ImportProgress }
  | { code: "import_failed"; error: string | null }
  | { code: "pixel_not_connected" }
  | { code: "no_scenario_enabled" }
  | { code: "messages_failed"; count: number }
  /** first-purchase codes redeemed by customers who had ordered before (docs/guard.md: should be 0) */
  | { code: "first_purchase_by_repeat"; count: number };

export interface HomeOverview {
  isLocal: boolean;
  currency: string;
  /** every figure covers the last 30 days, as the tiles' header says (definitions: docs/reports.md, Summary) */
  kpis: {
    /** customers with a counted order in the period */
    customers: number;
    /** customers whose first counted order is in the period */
    newCustomers: number;
    /** customers with a counted order in the period that was not their first */
    repeatCustomers: number;
    /** counted orders and their net revenue (total − refunded) over the last 30 days */
    orders30d: number;
    netRevenue30d: number;
    sent30d: number;
    heldOut30d: number;
    enabledScenarios: number;
  };
  /** what the first-purchase guard did over the last 30 days */
  guard: GuardCounters;
  attention: AttentionItem[];
}

const SENDER_FIELDS = ["name", "email", "postalAddress", "contact"] as const;

export async function getHomeOverview(db: Tx, shopId: string, now: Date): Promise<HomeOverview> {
  const since = new Date(now.getTime() - KPI_WINDOW_DAYS * 86_400_000);
  const [shop, { settings }, onboarding, activity, sent, heldOut, failed, enabledScenarios, guard] = await Promise.all([
    db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { currency: true } }),
    getShopSettings(db, shopId),
    getOnboardingStatus(db, shopId),
    // The Summary report's own definitions over [now − 30 days, now): Home and Reports agree.
    getPeriodActivity(db, shopId, { from: since, to: now }),
    db.message.count({ where: { shopId, status: "sent", sentAt: { gte: since } } }),
    db.message.count({ where: { shopId, status: "held_out", createdAt: { gte: since } } }),
    db.message.count({
      where: { shopId, status: "failed", updatedAt: { gte: new Date(now.getTime() - 7 * 86_400_000) } },
    }),
    db.scenarioConfig.count({ where: { shopId, enabled: true } }),
    guardCounters(db, shopId, { from: since, to: now }),
  ]);

  const attention: AttentionItem[] = [];
  if (!isSenderIdentityComplete(settings)) {
    attention.push({
      code: "sender_identity_missing",
      fields: SENDER_FIELDS.filter((f) => !settings.sender[f]?.trim()),
    });
  }
  const job = onboarding.import;
  if (!job && !onboarding.isLocal) attention.push({ code: "import_not_started" });
  if (job && (job.status === "running" || job.status === "queued"))
    attention.push({ code: "import_running", progress: job });
  if (job?.status === "failed") attention.push({ code: "import_failed", error: job.error });
  if (!onboarding.pixel.connected) attention.push({ code: "pixel_not_connected" });
  if (enabledScenarios === 0) attention.push({ code: "no_scenario_enabled" });
  if (failed > 0) attention.push({ code: "messages_failed", count: failed });
  if (guard.firstPurchaseRedemptionsByRepeat > 0)
    attention.push({ code: "first_purchase_by_repeat", count: guard.firstPurchaseRedemptionsByRepeat });

  return {
    isLocal: onboarding.isLocal,
    currency: shop.currency,
    kpis: {
      customers: activity.customers,
      newCustomers: activity.newCustomers,
      repeatCustomers: activity.repeatCustomers,
      orders30d: activity.orders,
      netRevenue30d: activity.netRevenue,
      sent30d: sent,
      heldOut30d: heldOut,
      enabledScenarios,
    },
    guard,
    attention,
  };
}
