// お誕生日: on the customer's birthday at the configured hour shop time (09:00 by default), once a
// year (the trigger key carries the year), with a unique coupon and recommendations. A Feb 29
// birthday is celebrated on Feb 28 in years without one. Birth dates come from the customer
// metafield facts.birth_date (history import) and the storefront birthday form (/proxy/birthday).
import { queryInChunks } from "~/lib/chunks";
import { addLocalDays } from "~/modules/platform/time/shop-time";
import { loadRecommendations } from "~/modules/engine/recommendations/recommend.server";
import { atHour, isLeapYear, localDate, localHour } from "../../../platform/time/local-dates";
import { defineScenario, type CandidateOf, type MessageContentOf } from "../scenario-definition";

type Candidate = CandidateOf<"birthday">;
type MessageContent = MessageContentOf<"birthday">;

/** planning runs in the first hours after the send hour, so a few missed ticks lose nothing */
const PLAN_WINDOW_HOURS = 3;
const RECOMMENDATIONS = 3;

/** The month-day suffixes ("-MM-DD") of birth dates celebrated on this local date. */
export function birthdaySuffixes(date: { year: number; month: number; day: number }): string[] {
  const mmdd = `-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
  return date.month === 2 && date.day === 28 && !isLeapYear(date.year) ? [mmdd, "-02-29"] : [mmdd];
}

export const definition = defineScenario({
  key: "birthday",

  async plan({ db, shopId, now, timezone, settings }) {
    const hour = localHour(now, timezone);
    if (hour < settings.hour || hour >= settings.hour + PLAN_WINDOW_HOURS) return [];
    const today = localDate(now, timezone);
    const triggerKey = `birthday:${today.year}`;
    const people = await db.customer.findMany({
      where: {
        shopId,
        deletedAt: null,
        redactedAt: null,
        emailNormalized: { not: null },
        OR: birthdaySuffixes(today).map((suffix) => ({ birthDate: { endsWith: suffix } })),
      },
      select: { id: true, birthDate: true },
    });
    const planned = new Set(
      (
        await queryInChunks(
          people.map((p) => p.id),
          (chunk) =>
            db.message.findMany({
              where: { shopId, scenario: "birthday", triggerKey, customerId: { in: chunk } },
              select: { customerId: true },
            }),
        )
      ).map((m) => m.customerId),
    );
    const dueAt = atHour(today, settings.hour, timezone);
    const endOfDay = atHour(addLocalDays(today, 1), 0, timezone);
    return people
      .filter((p) => !planned.has(p.id))
      .map((p): Candidate => ({
        customerId: p.id,
        triggerKey,
        dueAt,
        latestUsefulAt: endOfDay,
        data: { birthDate: p.birthDate, year: today.year },
      }));
  },

  async exits({ db, shopId }, rows) {
    // the birth date was corrected since: today is no longer the day
    const customers = await queryInChunks(
      rows.map((r) => r.customerId),
      (chunk) => db.customer.findMany({ where: { shopId, id: { in: chunk } }, select: { id: true, birthDate: true } }),
    );
    const birthDates = new Map(customers.map((c) => [c.id, c.birthDate]));
    return new Map(
      rows.flatMap((row) => {
        const now = birthDates.get(row.customerId);
        return now && now.slice(4) === String(row.data.birthDate).slice(4)
          ? []
          : [[row.id, "birth date changed"] as const];
      }),
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
          extra: { year: Number(row.data.year) },
        },
      ]),
    );
  },
});
