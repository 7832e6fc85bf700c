// ウェルカム: a new prospect (account created or email captured, no order). 10 minutes after
// sign-up, optional reminder after 3 days; a first-purchase offer, guarded at send time.
import { queryInChunks } from "~/lib/chunks";
import { loadOrderActivity } from "../../../delivery/mail/catalog-products.server";
import { defineScenario, type CandidateOf } from "../scenario-definition";

type Candidate = CandidateOf<"welcome">;

const DAY = 86_400_000;

export const definition = defineScenario({
  key: "welcome",

  async plan({ db, shopId, now, settings }) {
    const since = new Date(now.getTime() - 7 * DAY);
    const prospects = await db.customer.findMany({
      where: {
        shopId,
        ordersCount: 0,
        deletedAt: null,
        redactedAt: null,
        emailNormalized: { not: null },
        OR: [{ shopifyCreatedAt: { gte: since } }, { shopifyCreatedAt: null, createdAt: { gte: since } }],
      },
      select: { id: true, shopifyCreatedAt: true, createdAt: true },
    });
    const candidates: Candidate[] = [];
    for (const prospect of prospects) {
      const signedUp = prospect.shopifyCreatedAt ?? prospect.createdAt;
      const data = { since: signedUp.toISOString() };
      candidates.push({
        customerId: prospect.id,
        triggerKey: "welcome:1",
        dueAt: new Date(signedUp.getTime() + settings.delayMinutes * 60_000),
        latestUsefulAt: new Date(signedUp.getTime() + 2 * DAY),
        data,
      });
      if (settings.reminder.enabled) {
        candidates.push({
          customerId: prospect.id,
          triggerKey: "welcome:2",
          dueAt: new Date(signedUp.getTime() + settings.reminder.delayDays * DAY),
          latestUsefulAt: new Date(signedUp.getTime() + (settings.reminder.delayDays + 2) * DAY),
          data,
        });
      }
    }
    return candidates;
  },

  async exits({ db, shopId }, rows) {
    const customerIds = rows.map((r) => r.customerId);
    const counted = await queryInChunks(customerIds, (chunk) =>
      db.customer.findMany({ where: { shopId, id: { in: chunk }, ordersCount: { gt: 0 } }, select: { id: true } }),
    );
    const ordered = new Set(counted.map((c) => c.id));
    const activity = await loadOrderActivity(db, shopId, customerIds, new Date(0));
    return new Map(
      rows.flatMap((row) =>
        ordered.has(row.customerId) || activity.orderedSince(row.customerId, new Date(0))
          ? [[row.id, "has ordered"] as const]
          : [],
      ),
    );
  },

  async contents({ settings }, rows) {
    const incentive = settings.incentive.kind === "none" ? null : settings.incentive;
    return new Map(rows.map((row) => [row.id, { products: [], recoveryUrl: null, incentive }]));
  },
});
