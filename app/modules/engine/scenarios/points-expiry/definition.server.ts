// ポイント失効のお知らせ: 30 and 7 days (settings.daysBefore) before points expire, at the
// configured hour shop time. One email per customer per expiry date and reminder, whatever the
// number of lots expiring that day; nothing once those points are spent or gone.
import type { Db } from "~/db.server";
import { queryInChunks } from "~/lib/chunks";
import { addLocalDays } from "~/modules/platform/time/shop-time";
import { pointsBalance } from "~/modules/mirror/points/points-ledger.server";
import { loadRecommendations } from "~/modules/engine/recommendations/recommend.server";
import { atHour, formatLocalDate, localDate, parseLocalDate } from "../../../platform/time/local-dates";
import { defineScenario, type CandidateOf, type MessageContentOf } from "../scenario-definition";

type Candidate = CandidateOf<"points_expiry">;
type MessageContent = MessageContentOf<"points_expiry">;

const DAY = 86_400_000;
/** a reminder is planned at most this long before it is due (rows stay few) */
const PLAN_AHEAD_MS = DAY;
/** a reminder missed for longer than this is not sent late */
const USEFUL_MS = 2 * DAY;
const RECOMMENDATIONS = 3;

/** Live points per customer and shop-local expiry date. */
async function expiringByDate(
  db: Db,
  shopId: string,
  customerIds: string[] | null,
  now: Date,
  until: Date,
  timezone: string,
) {
  const where = { shopId, remaining: { gt: 0 }, expiresAt: { gt: now, lte: until } };
  const select = { customerId: true, remaining: true, expiresAt: true } as const;
  const lots = customerIds
    ? await queryInChunks(customerIds, (chunk) =>
        db.pointsLot.findMany({ where: { ...where, customerId: { in: chunk } }, select }),
      )
    : await db.pointsLot.findMany({ where, select });
  const out = new Map<string, { customerId: string; date: string; points: number; firstExpiry: Date }>();
  for (const lot of lots) {
    const date = formatLocalDate(localDate(lot.expiresAt, timezone));
    const key = `${lot.customerId}|${date}`;
    const entry = out.get(key) ?? { customerId: lot.customerId, date, points: 0, firstExpiry: lot.expiresAt };
    entry.points += lot.remaining;
    if (lot.expiresAt < entry.firstExpiry) entry.firstExpiry = lot.expiresAt;
    out.set(key, entry);
  }
  return out;
}

export const definition = defineScenario({
  key: "points_expiry",

  async plan({ db, shopId, now, timezone, settings }) {
    const furthest = Math.max(...settings.daysBefore);
    const groups = await expiringByDate(
      db,
      shopId,
      null,
      now,
      new Date(now.getTime() + (furthest + 2) * DAY),
      timezone,
    );
    const candidates: Candidate[] = [];
    for (const group of groups.values()) {
      const expiresOn = parseLocalDate(group.date)!;
      for (const daysBefore of settings.daysBefore) {
        const dueAt = atHour(addLocalDays(expiresOn, -daysBefore), settings.hour, timezone);
        if (dueAt.getTime() > now.getTime() + PLAN_AHEAD_MS || dueAt.getTime() < now.getTime() - USEFUL_MS) continue;
        candidates.push({
          customerId: group.customerId,
          triggerKey: `expiry:${group.date}:${daysBefore}`,
          dueAt,
          latestUsefulAt: new Date(Math.min(dueAt.getTime() + USEFUL_MS, group.firstExpiry.getTime())),
          data: { expiresOn: group.date, daysBefore },
        });
      }
    }
    return candidates;
  },

  async exits({ db, shopId, now, timezone }, rows) {
    const groups = await expiringByDate(
      db,
      shopId,
      rows.map((r) => r.customerId),
      now,
      new Date(now.getTime() + 400 * DAY),
      timezone,
    );
    return new Map(
      rows.flatMap((row) =>
        (groups.get(`${row.customerId}|${String(row.data.expiresOn)}`)?.points ?? 0) > 0
          ? []
          : [[row.id, `no points expire on ${String(row.data.expiresOn)} any more`] as const],
      ),
    );
  },

  async contents({ db, shopId, now, timezone, storefrontUrl }, rows) {
    const ids = rows.map((r) => r.customerId);
    const groups = await expiringByDate(db, shopId, ids, now, new Date(now.getTime() + 400 * DAY), timezone);
    const balances = await pointsBalance(db, shopId, ids, now);
    const recommended = await loadRecommendations(db, shopId, ids, { limit: RECOMMENDATIONS, storefrontUrl, now });
    const contents = new Map<string, MessageContent>();
    for (const row of rows) {
      const expiring = groups.get(`${row.customerId}|${String(row.data.expiresOn)}`);
      if (!expiring) continue;
      contents.set(row.id, {
        products: recommended.get(row.customerId) ?? [],
        recoveryUrl: null,
        incentive: null,
        extra: {
          pointsBalance: balances.get(row.customerId)?.balance ?? expiring.points,
          expiringPoints: expiring.points,
          expiringOn: expiring.date,
        },
      });
    }
    return contents;
  },
});
