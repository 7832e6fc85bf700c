// レコメンド: personalised products, as a periodic digest (weekly on Mondays or monthly on the 1st,
// at the configured hour shop time) and N days after a visit without an order. Skipped when
// fewer than the minimum good recommendations remain, or when the customer received any Joren
// email in the last few days (the digest must never crowd out timelier messages).
import { addLocalDays, zonedParts, type LocalDate } from "~/modules/platform/time/shop-time";
import { recommendProductGids, recordShownRecommendations } from "~/modules/engine/recommendations/recommend.server";
import { loadEmailProducts, loadOrderActivity } from "../../../delivery/mail/catalog-products.server";
import { atHour, formatLocalDate, localDate } from "../../../platform/time/local-dates";
import { loadRecentSends } from "../product-purchases.server";
import { defineScenario, type CandidateOf, type LedgerRowOf, type ScenarioContext } from "../scenario-definition";

type Candidate = CandidateOf<"recommendations">;
type LedgerRow = LedgerRowOf<"recommendations">;

const DAY = 86_400_000;
/** products one email shows */
export const RECOMMENDATIONS_PER_EMAIL = 6;

const DIGEST_SPREAD_MINUTES = 60;

type Ctx = ScenarioContext<"recommendations">;

function hashOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

// The engine hands exits and contents the same row objects within a tick: the lists computed
// for the exit check ("enough good products?") are reused for the email instead of recomputed.
const listsSeen = new WeakMap<LedgerRow, { at: number; gids: string[] }>();

/** This period's digest instant (the hour on Monday or on the 1st, shop time) and its key. */
export function digestSlot(
  now: Date,
  timezone: string,
  cadence: "weekly" | "monthly",
  hour: number,
): { key: string; at: Date } {
  const today = localDate(now, timezone);
  if (cadence === "monthly") {
    const first = { year: today.year, month: today.month, day: 1 };
    return { key: `digest:${formatLocalDate(first).slice(0, 7)}`, at: atHour(first, hour, timezone) };
  }
  const weekday = zonedParts(now, timezone).weekday;
  const monday = addLocalDays(today, -((weekday + 6) % 7));
  return { key: `digest:${formatLocalDate(monday)}`, at: atHour(monday, hour, timezone) };
}

const productsOf = (row: LedgerRow): string[] =>
  Array.isArray(row.data.products) ? row.data.products.filter((g): g is string => typeof g === "string") : [];

async function listsFor(ctx: Ctx, rows: LedgerRow[]): Promise<Map<string, string[]>> {
  const cached = rows.map((r) => listsSeen.get(r));
  if (rows.length > 0 && cached.every((c) => c?.at === ctx.now.getTime()))
    return new Map(rows.map((r, i) => [r.customerId, cached[i]!.gids]));
  const lists = await computeLists(ctx, rows, RECOMMENDATIONS_PER_EMAIL);
  for (const row of rows) listsSeen.set(row, { at: ctx.now.getTime(), gids: lists.get(row.customerId) ?? [] });
  return lists;
}

async function computeLists(ctx: Ctx, rows: LedgerRow[], limit: number) {
  return recommendProductGids(
    ctx.db,
    ctx.shopId,
    rows.map((r) => r.customerId),
    {
      limit,
      now: ctx.now,
      // a post-visit email recommends around what was viewed, never the viewed products themselves
      seedProducts: new Map(rows.map((r) => [r.customerId, productsOf(r)])),
      excludeProducts: new Map(rows.map((r) => [r.customerId, productsOf(r)])),
    },
  );
}

export const definition = defineScenario({
  key: "recommendations",

  async plan(ctx) {
    const { db, shopId, now, timezone, settings } = ctx;
    const candidates: Candidate[] = [];
    // the digest: on its day only (a missed day is not caught up a week later)
    const slot = digestSlot(now, timezone, settings.cadence, settings.hour);
    if (now >= slot.at && now.getTime() < slot.at.getTime() + DAY) {
      const audience = await db.customer.findMany({
        where: {
          shopId,
          emailConsent: "SUBSCRIBED",
          deletedAt: null,
          redactedAt: null,
          emailNormalized: { not: null },
          messages: { none: { scenario: "recommendations", triggerKey: slot.key } },
        },
        select: { id: true },
      });
      for (const c of audience) {
        // spread over the hour after the slot, stably per customer: a large shop's digest is then
        // sent by many ticks instead of one long one
        const dueAt = new Date(slot.at.getTime() + (hashOf(c.id) % DIGEST_SPREAD_MINUTES) * 60_000);
        candidates.push({
          customerId: c.id,
          triggerKey: slot.key,
          dueAt,
          latestUsefulAt: new Date(slot.at.getTime() + DAY),
          data: { since: slot.at.toISOString() },
        });
      }
    }
    // post-visit: identified visitors whose last view was `postVisitDays` shop-local days ago
    if (settings.postVisitDays > 0) {
      const views = await db.behaviourEvent.findMany({
        where: {
          shopId,
          name: "product_viewed",
          customerId: { not: null },
          productGid: { not: null },
          occurredAt: { gte: new Date(now.getTime() - (settings.postVisitDays + 2) * DAY), lte: now },
        },
        select: { customerId: true, productGid: true, occurredAt: true },
        orderBy: { occurredAt: "asc" },
      });
      const visits = new Map<string, { day: string; date: LocalDate; first: Date; products: string[] }>();
      for (const v of views) {
        const date = localDate(v.occurredAt, timezone);
        const day = formatLocalDate(date);
        const visit = visits.get(v.customerId!);
        // the latest visit day wins: an earlier day's visit is covered by the later one
        if (!visit || visit.day !== day)
          visits.set(v.customerId!, { day, date, first: v.occurredAt, products: [v.productGid!] });
        else visit.products = [v.productGid!, ...visit.products.filter((p) => p !== v.productGid)];
      }
      for (const [customerId, visit] of visits) {
        const dueAt = atHour(addLocalDays(visit.date, settings.postVisitDays), settings.hour, timezone);
        if (dueAt > now) continue;
        candidates.push({
          customerId,
          triggerKey: `visit:${visit.day}`,
          dueAt,
          latestUsefulAt: new Date(dueAt.getTime() + DAY),
          data: { since: visit.first.toISOString(), products: visit.products.slice(0, 5) },
        });
      }
    }
    return candidates;
  },

  async exits(ctx, rows) {
    const { db, shopId, now, settings } = ctx;
    const exits = new Map<string, string>();
    const customerIds = rows.map((r) => r.customerId);
    const visits = rows.filter((r) => r.triggerKey.startsWith("visit:"));
    const earliest = new Date(Math.min(now.getTime(), ...visits.map((r) => Date.parse(String(r.data.since)))));
    const activity = await loadOrderActivity(
      db,
      shopId,
      visits.map((r) => r.customerId),
      earliest,
    );
    const recent =
      settings.recentEmailDays > 0
        ? await loadRecentSends(db, shopId, customerIds, new Date(now.getTime() - settings.recentEmailDays * DAY))
        : new Set<string>();
    const lists = await listsFor(ctx, rows);
    for (const row of rows) {
      if (
        row.triggerKey.startsWith("visit:") &&
        activity.orderedSince(row.customerId, new Date(String(row.data.since)))
      )
        exits.set(row.id, "ordered since the visit");
      else if (recent.has(row.customerId))
        exits.set(row.id, `received a Joren email in the last ${settings.recentEmailDays} days`);
      else if ((lists.get(row.customerId) ?? []).length < settings.minRecommendations)
        exits.set(row.id, `fewer than ${settings.minRecommendations} good recommendations`);
    }
    return exits;
  },

  async contents(ctx, rows) {
    const { db, shopId, now, storefrontUrl, settings } = ctx;
    const lists = await listsFor(ctx, rows);
    const products = await loadEmailProducts(db, shopId, [...lists.values()].flat(), storefrontUrl);
    const out = new Map<
      string,
      { products: ReturnType<typeof products.forItems>; recoveryUrl: null; incentive: null }
    >();
    const shown: { messageId: string; customerId: string; productGids: string[] }[] = [];
    for (const row of rows) {
      const gids = lists.get(row.customerId) ?? [];
      const items = products.forItems(gids.map((productGid) => ({ productGid })));
      if (items.length < settings.minRecommendations) continue;
      out.set(row.id, { products: items, recoveryUrl: null, incentive: null });
      shown.push({ messageId: row.id, customerId: row.customerId, productGids: gids });
    }
    await recordShownRecommendations(db, shopId, shown, now);
    return out;
  },
});
