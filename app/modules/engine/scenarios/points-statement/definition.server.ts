// ポイント残高のお知らせ: once a month, on the configured day and hour shop time, every customer
// holding points gets their balance, the next expiry and recommendations. Never to anyone with
// no points (planned only for holders, and re-checked at send time).
import { expireDuePoints, pointsBalance } from "~/modules/mirror/points/points-ledger.server";
import { loadRecommendations } from "~/modules/engine/recommendations/recommend.server";
import { atHour, formatLocalDate, localDate } from "../../../platform/time/local-dates";
import { defineScenario, type CandidateOf, type MessageContentOf } from "../scenario-definition";

type Candidate = CandidateOf<"points_statement">;
type MessageContent = MessageContentOf<"points_statement">;

const DAY = 86_400_000;
/** a statement that could not go out within this long after its day waits for next month */
const USEFUL_DAYS = 3;
const RECOMMENDATIONS = 3;

export const definition = defineScenario({
  key: "points_statement",

  async plan({ db, shopId, now, timezone, settings }) {
    const today = localDate(now, timezone);
    const dueAt = atHour({ year: today.year, month: today.month, day: settings.dayOfMonth }, settings.hour, timezone);
    const latestUsefulAt = new Date(dueAt.getTime() + USEFUL_DAYS * DAY);
    if (now < dueAt || now >= latestUsefulAt) return [];
    const month = `${today.year}-${String(today.month).padStart(2, "0")}`;
    const triggerKey = `statement:${month}`;
    // the statement's history shows what expired since the last one
    await expireDuePoints(db, shopId, now);
    const holders = await db.pointsLot.groupBy({
      by: ["customerId"],
      where: { shopId, remaining: { gt: 0 }, expiresAt: { gt: now } },
    });
    const planned = new Set(
      (
        await db.message.findMany({
          where: { shopId, scenario: "points_statement", triggerKey },
          select: { customerId: true },
        })
      ).map((m) => m.customerId),
    );
    return holders
      .filter((h) => !planned.has(h.customerId))
      .map((h): Candidate => ({ customerId: h.customerId, triggerKey, dueAt, latestUsefulAt, data: { month } }));
  },

  async exits({ db, shopId, now }, rows) {
    const balances = await pointsBalance(
      db,
      shopId,
      rows.map((r) => r.customerId),
      now,
    );
    return new Map(
      rows.flatMap((row) =>
        (balances.get(row.customerId)?.balance ?? 0) > 0 ? [] : [[row.id, "no points left"] as const],
      ),
    );
  },

  async contents({ db, shopId, now, timezone, storefrontUrl }, rows) {
    const ids = rows.map((r) => r.customerId);
    const balances = await pointsBalance(db, shopId, ids, now);
    const recommended = await loadRecommendations(db, shopId, ids, { limit: RECOMMENDATIONS, storefrontUrl, now });
    const contents = new Map<string, MessageContent>();
    for (const row of rows) {
      const balance = balances.get(row.customerId);
      if (!balance || balance.balance <= 0) continue;
      contents.set(row.id, {
        products: recommended.get(row.customerId) ?? [],
        recoveryUrl: null,
        incentive: null,
        extra: {
          pointsBalance: balance.balance,
          expiringPoints: balance.nextExpiry?.points ?? null,
          expiringOn: balance.nextExpiry ? formatLocalDate(localDate(balance.nextExpiry.at, timezone)) : null,
          month: String(row.data.month ?? ""),
        },
      });
    }
    return contents;
  },
});
