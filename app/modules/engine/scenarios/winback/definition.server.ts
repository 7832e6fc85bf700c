// 休眠復帰 (win-back): a customer who has not ordered for their dormancy threshold gets one email
// per dormant spell (the trigger key is their last order), at the configured hour shop time, with
// a coupon and recommendations; any new order ends it. The threshold is fixed (dormantDays) or,
// with adaptive on, multiplier × the customer's own median gap between orders, clamped to
// [minDays, maxDays] (customers with a single order use dormantDays).
import { queryInChunks } from "~/lib/chunks";
import type { ScenarioSettings } from "~/modules/engine/scenarios/scenario-settings";
import { loadRecommendations } from "~/modules/engine/recommendations/recommend.server";
import { loadOrderActivity } from "../../../delivery/mail/catalog-products.server";
import { atHour, localDate, localHour } from "../../../platform/time/local-dates";
import { defineScenario, type CandidateOf, type MessageContentOf } from "../scenario-definition";

type Candidate = CandidateOf<"winback">;
type MessageContent = MessageContentOf<"winback">;
import { itemAt } from "~/lib/arrays";

const DAY = 86_400_000;
const PLAN_WINDOW_HOURS = 3;
/**
 * Only spells that began within this many days are written to: turning the scenario on does not
 * mail everyone who stopped buying years ago.
 */
export const WINBACK_LOOKBACK_DAYS = 90;
const RECOMMENDATIONS = 3;

/** The customer's dormancy threshold in days, from their counted order dates (ascending). */
export function dormancyThresholdDays(settings: ScenarioSettings<"winback">, orderDates: Date[]): number {
  if (!settings.adaptive.enabled || orderDates.length < 2) return settings.dormantDays;
  const gaps = orderDates
    .slice(1)
    .map((d, i) => (d.getTime() - itemAt(orderDates, i, "order date").getTime()) / DAY)
    .sort((a, b) => a - b);
  const mid = Math.floor(gaps.length / 2);
  const median =
    gaps.length % 2 === 1 ? itemAt(gaps, mid, "gap") : (itemAt(gaps, mid - 1, "gap") + itemAt(gaps, mid, "gap")) / 2;
  const { multiplier, minDays, maxDays } = settings.adaptive;
  return Math.min(maxDays, Math.max(minDays, Math.round(median * multiplier)));
}

export const definition = defineScenario({
  key: "winback",

  async plan({ db, shopId, now, timezone, settings }) {
    const hour = localHour(now, timezone);
    if (hour < settings.hour || hour >= settings.hour + PLAN_WINDOW_HOURS) return [];
    const shortest = settings.adaptive.enabled
      ? Math.min(settings.adaptive.minDays, settings.dormantDays)
      : settings.dormantDays;
    const longest = settings.adaptive.enabled
      ? Math.max(settings.adaptive.maxDays, settings.dormantDays)
      : settings.dormantDays;
    const customers = await db.customer.findMany({
      where: {
        shopId,
        ordersCount: { gt: 0 },
        deletedAt: null,
        redactedAt: null,
        emailNormalized: { not: null },
        lastOrderAt: {
          lte: new Date(now.getTime() - shortest * DAY),
          gte: new Date(now.getTime() - (longest + WINBACK_LOOKBACK_DAYS) * DAY),
        },
      },
      select: { id: true },
    });
    const ids = customers.map((c) => c.id);
    const orders = await queryInChunks(ids, (chunk) =>
      db.order.findMany({
        where: { shopId, customerId: { in: chunk }, counted: true },
        select: { customerId: true, gid: true, shopifyCreatedAt: true },
        orderBy: { shopifyCreatedAt: "asc" },
      }),
    );
    const byCustomer = new Map<string, typeof orders>();
    for (const o of orders) byCustomer.set(o.customerId!, [...(byCustomer.get(o.customerId!) ?? []), o]);
    const dueAt = atHour(localDate(now, timezone), settings.hour, timezone);
    const candidates: Candidate[] = [];
    for (const [customerId, list] of byCustomer) {
      const last = list.at(-1);
      if (!last) continue;
      const threshold = dormancyThresholdDays(
        settings,
        list.map((o) => o.shopifyCreatedAt),
      );
      const dormantSince = last.shopifyCreatedAt.getTime() + threshold * DAY;
      if (dormantSince > now.getTime() || now.getTime() - dormantSince > WINBACK_LOOKBACK_DAYS * DAY) continue;
      candidates.push({
        customerId,
        triggerKey: `winback:${last.gid}`,
        dueAt,
        latestUsefulAt: new Date(dueAt.getTime() + 2 * DAY),
        data: { since: last.shopifyCreatedAt.toISOString(), lastOrderGid: last.gid, thresholdDays: threshold },
      });
    }
    return candidates;
  },

  async exits({ db, shopId }, rows) {
    const earliest = new Date(Math.min(...rows.map((r) => Date.parse(String(r.data.since)))));
    const activity = await loadOrderActivity(
      db,
      shopId,
      rows.map((r) => r.customerId),
      earliest,
    );
    return new Map(
      rows.flatMap((row) =>
        activity.orderedSince(row.customerId, new Date(Date.parse(String(row.data.since)) + 1))
          ? [[row.id, "ordered again"] as const]
          : [],
      ),
    );
  },

  async contents({ db, shopId, now, storefrontUrl, settings }, rows) {
    const recommended = await loadRecommendations(
      db,
      shopId,
      rows.map((r) => r.customerId),
      { limit: RECOMMENDATIONS, storefrontUrl, now },
    );
    const incentive = settings.incentive.kind === "none" ? null : settings.incentive;
    return new Map(
      rows.map((row): [string, MessageContent] => [
        row.id,
        {
          products: recommended.get(row.customerId) ?? [],
          recoveryUrl: null,
          incentive,
          extra: { daysSinceLastOrder: Math.floor((now.getTime() - Date.parse(String(row.data.since))) / DAY) },
        },
      ]),
    );
  },
});
