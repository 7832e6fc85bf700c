// 閲覧離脱: a visitor linked to a customer (ADR 0024) viewed products and did not add to cart, check out or order.
// Sent 2 h after the last view; never to someone who got an abandonment email in the last 14 days.
import { zonedParts } from "~/modules/platform/time/shop-time";
import { queryInChunks } from "~/lib/chunks";
import { earliestSince, loadEmailProducts, loadOrderActivity } from "../../../delivery/mail/catalog-products.server";
import { defineScenario, type CandidateOf, type LedgerRowOf } from "../scenario-definition";

type Candidate = CandidateOf<"browse_abandonment">;
type LedgerRow = LedgerRowOf<"browse_abandonment">;

const DAY = 86_400_000;

const productsOf = (row: LedgerRow): string[] => row.data.products;

export const definition = defineScenario({
  key: "browse_abandonment",

  async plan({ db, shopId, now, timezone, settings }) {
    const since = new Date(now.getTime() - 2 * DAY);
    const views = await db.behaviourEvent.findMany({
      where: {
        shopId,
        name: "product_viewed",
        customerId: { not: null },
        productGid: { not: null },
        occurredAt: { gte: since },
      },
      select: { customerId: true, productGid: true, occurredAt: true },
      orderBy: { occurredAt: "asc" },
    });
    const sessions = new Map<
      string,
      { customerId: string; day: string; first: Date; last: Date; products: string[] }
    >();
    for (const view of views) {
      // one browse session per customer per shop-local day
      const day = zonedParts(view.occurredAt, timezone);
      const localDay = `${day.year}-${String(day.month).padStart(2, "0")}-${String(day.day).padStart(2, "0")}`;
      const key = `${view.customerId}|${localDay}`;
      const session = sessions.get(key) ?? {
        customerId: view.customerId!,
        day: localDay,
        first: view.occurredAt,
        last: view.occurredAt,
        products: [],
      };
      session.last = view.occurredAt;
      session.products = [view.productGid!, ...session.products.filter((p) => p !== view.productGid)];
      sessions.set(key, session);
    }
    const candidates: Candidate[] = [];
    for (const session of sessions.values()) {
      candidates.push({
        customerId: session.customerId,
        triggerKey: `browse:${session.day}`,
        dueAt: new Date(session.last.getTime() + settings.delayMinutes * 60_000),
        latestUsefulAt: new Date(session.last.getTime() + 2 * DAY),
        data: { since: session.first.toISOString(), products: session.products.slice(0, settings.maxProducts) },
      });
    }
    return candidates;
  },

  async exits({ db, shopId, now, settings, storefrontUrl }, rows) {
    const exits = new Map<string, string>();
    // The viewed product ids come from the unsigned pixel: only the shop's own active products
    // are ever shown, and a session with none of them sends nothing.
    const catalogue = await loadEmailProducts(db, shopId, rows.flatMap(productsOf), storefrontUrl);
    const customerIds = rows.map((r) => r.customerId);
    const earliest = earliestSince(rows, now);
    const activity = await loadOrderActivity(db, shopId, customerIds, earliest);
    const engaged = await queryInChunks(customerIds, (chunk) =>
      db.behaviourEvent.findMany({
        where: {
          shopId,
          customerId: { in: chunk },
          occurredAt: { gte: earliest },
          name: { in: ["product_added_to_cart", "checkout_started"] },
        },
        select: { customerId: true, occurredAt: true },
      }),
    );
    const lastEngaged = new Map<string, number>();
    for (const e of engaged)
      lastEngaged.set(e.customerId!, Math.max(lastEngaged.get(e.customerId!) ?? 0, e.occurredAt.getTime()));
    const recent = await queryInChunks(customerIds, (chunk) =>
      db.message.findMany({
        where: {
          shopId,
          customerId: { in: chunk },
          scenario: { in: ["cart_abandonment", "browse_abandonment"] },
          status: "sent",
          sentAt: { gte: new Date(now.getTime() - settings.suppressAfterAbandonmentDays * DAY) },
        },
        select: { customerId: true, scenario: true },
      }),
    );
    const recentScenario = new Map(recent.map((m) => [m.customerId, m.scenario]));
    for (const row of rows) {
      const since = new Date(String(row.data.since));
      if (catalogue.forItems(productsOf(row).map((productGid) => ({ productGid }))).length === 0) {
        exits.set(
          row.id,
          "nothing left to show in the email (none of the viewed products is an active product of the shop's catalogue)",
        );
      } else if (activity.orderedSince(row.customerId, since)) exits.set(row.id, "ordered since browsing");
      else if ((lastEngaged.get(row.customerId) ?? 0) >= since.getTime())
        exits.set(row.id, "added to cart or started checkout (the cart reminder covers it)");
      else if (recentScenario.has(row.customerId)) {
        exits.set(
          row.id,
          `an abandonment email (${recentScenario.get(row.customerId)}) was sent in the last ${settings.suppressAfterAbandonmentDays} days`,
        );
      }
    }
    return exits;
  },

  async contents({ db, shopId, storefrontUrl }, rows) {
    const products = await loadEmailProducts(db, shopId, rows.flatMap(productsOf), storefrontUrl);
    // a row whose products all left the catalogue since the exits were checked gets no content (skipped)
    return new Map(
      rows.flatMap((row) => {
        const shown = products.forItems(productsOf(row).map((productGid) => ({ productGid })));
        return shown.length > 0 ? [[row.id, { products: shown, recoveryUrl: null, incentive: null }] as const] : [];
      }),
    );
  },
});
