// ウェルカム: a new prospect (account created or email captured, no order). 10 minutes after
// sign-up, optional reminder after 3 days; a first-purchase offer, guarded at send time.
import { orderedSince } from "./catalog-products.server";
import { defineScenario, type Candidate } from "./scenario-definition";

const DAY = 86_400_000;

export const welcome = defineScenario({
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

  async exit({ db, shopId }, row) {
    const customer = await db.customer.findUnique({ where: { id: row.customerId }, select: { ordersCount: true } });
    if ((customer?.ordersCount ?? 0) > 0) return "has ordered";
    if (await orderedSince(db, shopId, row.customerId, new Date(0))) return "has ordered";
    return null;
  },

  async content({ settings }) {
    return { products: [], recoveryUrl: null, incentive: settings.incentive.kind === "none" ? null : settings.incentive };
  },
});
