// The engine's clock-driven runner: tick(shop, now) plans the scenarios' trigger instances into
// the ledger, then takes every due row through the send rules in PRODUCT.md's fixed order and
// dispatches what survives. `now` is always a parameter, so tests and the demo fast-forward time.
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { normalizeEmail } from "~/lib/email";
import { decideOffer, OFFER_WITHHELD } from "~/modules/guard/offer-policy";
import type { AdminPort } from "~/modules/shopify/admin-port";
import type { MailTransport } from "~/modules/mail/transport";
import { SCENARIOS } from "~/modules/scenarios/registry";
import type { LedgerRow, ScenarioContext, ScenarioDefinition } from "~/modules/scenarios/scenario-definition";
import { getScenarioConfigs } from "~/modules/scenarios/scenario-config.server";
import type { ScenarioKey } from "~/modules/settings/scenario-settings";
import { effectiveTimezone, isSenderIdentityComplete, parseShopSettings, type ShopSettings } from "~/modules/settings/shop-settings";
import { consentDecision } from "./rules/consent";
import { frequencyCapDecisions } from "./rules/frequency-cap";
import { holdoutDecision } from "./rules/holdout";
import { quietHoursDecision } from "./rules/quiet-hours";
import { dispatchMessages, type Dispatchable } from "./dispatch.server";
import { planLedgerRows } from "./plan-ledger.server";
import { recoverInterruptedSends } from "./recover-sends.server";

export interface EngineDeps {
  transport: MailTransport;
  admin: AdminPort;
  /** public https origin of the app: unsubscribe, click and open links point here */
  appUrl: string;
  mailSecret: string;
  workerId?: string;
}

export type LedgerStatus = "planned" | "deferred" | "sending" | "sent" | "held_out" | "skipped" | "failed";

export interface TickSummary {
  shop: string;
  now: string;
  planned: Record<string, number>;
  decided: Record<string, Partial<Record<LedgerStatus, number>>>;
  recovered: number;
  notes: string[];
}

const BATCH = 500;
const HOUR = 3_600_000;
const SENDER_RETRY_MS = HOUR;

type Decision = { status: "skipped" | "deferred" | "held_out"; reason: string; until?: Date };

export async function runTick(db: Db, shopId: string, now: Date, deps: EngineDeps): Promise<TickSummary> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
  const summary: TickSummary = { shop: shop.domain, now: now.toISOString(), planned: {}, decided: {}, recovered: 0, notes: [] };
  if (shop.uninstalledAt) {
    summary.notes.push("shop uninstalled: nothing runs");
    return summary;
  }
  const settings = parseShopSettings(shop.settings);
  const timezone = effectiveTimezone(settings, shop.timezone);
  const configs = await getScenarioConfigs(db, shopId);
  const contextFor = <K extends ScenarioKey>(key: K): ScenarioContext<K> => ({
    db, shopId, now, timezone, storefrontUrl: `https://${shop.domain}`, settings: configs[key].settings,
  });

  summary.recovered = await recoverInterruptedSends(db, shopId, now);

  for (const definition of Object.values(SCENARIOS)) {
    if (!definition || !configs[definition.key].enabled) continue;
    const candidates = await (definition as ScenarioDefinition<ScenarioKey>).plan(contextFor(definition.key));
    summary.planned[definition.key] = await planLedgerRows(db, shopId, definition.key, candidates);
  }
  if (!isSenderIdentityComplete(settings)) summary.notes.push("sender identity incomplete: sends wait until it is set (Settings → Sender)");

  const count = (scenario: string, status: LedgerStatus) => {
    const row = (summary.decided[scenario] ??= {});
    row[status] = (row[status] ?? 0) + 1;
  };
  // Every row a batch touches leaves the due set (sent, skipped, held out, deferred to a later
  // time, or claimed by another instance), so the next query returns only new work; a batch
  // that moved nothing ends the tick rather than loop.
  let previous = "";
  for (;;) {
    const due = await db.message.findMany({
      where: { shopId, OR: [{ status: "planned", dueAt: { lte: now } }, { status: "deferred", deferredUntil: { lte: now } }] },
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
      take: BATCH,
    });
    if (due.length === 0) break;
    const fingerprint = due.map((m) => m.id).join(",");
    if (fingerprint === previous) {
      summary.notes.push(`${due.length} due rows could not be moved this tick; they are retried next tick`);
      break;
    }
    previous = fingerprint;
    const outcomes = await decideBatch(db, shopId, now, settings, configs, contextFor, due);
    const byId = new Map(due.map((m) => [m.id, m]));
    const dispatchable: Dispatchable[] = [];
    for (const [id, outcome] of outcomes) {
      const row = byId.get(id)!;
      if ("dispatch" in outcome) {
        dispatchable.push(outcome.dispatch);
        continue;
      }
      const claimed = await db.message.updateMany({
        where: { id, status: { in: ["planned", "deferred"] } },
        data: {
          status: outcome.status,
          reason: outcome.reason,
          holdout: outcome.status === "held_out",
          deferredUntil: outcome.until ?? null,
        },
      });
      if (claimed.count === 1) count(row.scenario, outcome.status);
    }
    const results = await dispatchMessages(db, { shop, settings, timezone, now, deps, workerId: deps.workerId ?? randomUUID() }, dispatchable);
    for (const result of results) count(result.scenario, result.status);
  }
  return summary;
}

/** Rules 1–7 for a batch of due rows; the survivors come back ready to dispatch (rule 8). */
async function decideBatch(
  db: Db,
  shopId: string,
  now: Date,
  settings: ShopSettings,
  configs: Awaited<ReturnType<typeof getScenarioConfigs>>,
  contextFor: <K extends ScenarioKey>(key: K) => ScenarioContext<K>,
  due: Awaited<ReturnType<Db["message"]["findMany"]>>,
): Promise<Map<string, Decision | { dispatch: Dispatchable }>> {
  const outcomes = new Map<string, Decision | { dispatch: Dispatchable }>();
  const customerIds = [...new Set(due.map((m) => m.customerId))];
  const customers = new Map(
    (await db.customer.findMany({ where: { shopId, id: { in: customerIds } } })).map((c) => [c.id, c]),
  );
  const emails = [...customers.values()].flatMap((c) => (c.emailNormalized ? [c.emailNormalized] : []));
  const suppressed = new Map(
    (await db.suppression.findMany({ where: { shopId, emailNormalized: { in: emails } } })).map((s) => [s.emailNormalized, s.reason]),
  );
  const recent = await db.message.findMany({
    where: { shopId, customerId: { in: customerIds }, status: "sent", sentAt: { gte: new Date(now.getTime() - settings.frequencyCapHours * HOUR) } },
    select: { customerId: true, scenario: true, sentAt: true },
  });
  const senderReady = isSenderIdentityComplete(settings);

  const rowsByCustomer = new Map<string, typeof due>();
  for (const row of due) rowsByCustomer.set(row.customerId, [...(rowsByCustomer.get(row.customerId) ?? []), row]);
  for (const customerId of customerIds) {
    const customer = customers.get(customerId);
    const rows = rowsByCustomer.get(customerId) ?? [];
    const survivors: typeof rows = [];
    for (const row of rows) {
      const key = row.scenario as ScenarioKey;
      const definition = SCENARIOS[key] as ScenarioDefinition<ScenarioKey> | undefined;
      // 1. scenario on, shop installed (checked by the caller), sender identity configured
      if (!definition || !configs[key]?.enabled) {
        outcomes.set(row.id, { status: "skipped", reason: "scenario is off" });
        continue;
      }
      if (row.latestUsefulAt && row.latestUsefulAt < now) {
        outcomes.set(row.id, { status: "skipped", reason: `no longer useful after ${row.latestUsefulAt.toISOString()}` });
        continue;
      }
      if (!senderReady) {
        outcomes.set(row.id, deferOrSkip(row.latestUsefulAt, new Date(now.getTime() + SENDER_RETRY_MS), "sender identity is not configured (Settings → Sender)"));
        continue;
      }
      // 2. consent (and suppressions from bounces, spam reports and unsubscribes)
      const email = customer?.emailNormalized ?? normalizeEmail(customer?.email);
      const suppression = email ? suppressed.get(email) : undefined;
      if (suppression === "unsubscribe") {
        outcomes.set(row.id, { status: "skipped", reason: "unsubscribed from Joren emails" });
        continue;
      }
      const consent = consentDecision({
        emailConsent: customer?.emailConsent ?? "INVALID",
        email,
        deletedAt: customer?.deletedAt,
        redactedAt: customer?.redactedAt,
        suppression: { bounced: suppression === "bounce", complained: suppression === "spamreport" },
      });
      if (!consent.pass) {
        outcomes.set(row.id, { status: "skipped", reason: consent.reason });
        continue;
      }
      // 3. the scenario's exits, against the latest data
      const exit = await definition.exit(contextFor(key), toLedgerRow(row));
      if (exit) {
        outcomes.set(row.id, { status: "skipped", reason: exit });
        continue;
      }
      survivors.push(row);
    }
    // 4. frequency cap with scenario priority
    const capped = frequencyCapDecisions({
      candidates: survivors.map((r) => ({ id: r.id, scenarioKey: r.scenario as ScenarioKey, plannedAt: r.dueAt, latestUsefulAt: r.latestUsefulAt })),
      recentSends: recent.filter((r) => r.customerId === customerId).map((r) => ({ scenarioKey: r.scenario, sentAt: r.sentAt! })),
      capHours: settings.frequencyCapHours,
      now,
    });
    const survivorsById = new Map(survivors.map((r) => [r.id, r]));
    for (const decision of capped) {
      const row = survivorsById.get(decision.id)!;
      if (!decision.result.pass) {
        outcomes.set(row.id, { status: decision.result.outcome as Decision["status"], reason: decision.result.reason, until: decision.result.until });
        continue;
      }
      // 5. quiet hours in the shop's timezone
      const quiet = quietHoursDecision(now, contextFor(row.scenario as ScenarioKey).timezone, settings.quietHours);
      if (!quiet.pass) {
        outcomes.set(row.id, deferOrSkip(row.latestUsefulAt, quiet.until ?? now, quiet.reason));
        continue;
      }
      // 6. discount guard: first-purchase offers only to prospects
      const key = row.scenario as ScenarioKey;
      const definition = SCENARIOS[key] as ScenarioDefinition<ScenarioKey>;
      const content = await definition.content(contextFor(key), toLedgerRow(row));
      const offer = decideOffer(content.incentive, { ordersCount: customer?.ordersCount ?? 0 }, settings.guard.loyaltyVariant);
      // 7. holdout: a stable share is recorded, not sent
      const holdout = holdoutDecision(customerId, key, settings.holdoutPercent, shopId);
      if (!holdout.pass) {
        outcomes.set(row.id, { status: "held_out", reason: offer.withheld ? `${holdout.reason}; ${OFFER_WITHHELD}` : holdout.reason });
        continue;
      }
      outcomes.set(row.id, {
        dispatch: { row, customer: customer!, content: { ...content, incentive: offer.incentive }, note: offer.withheld ? OFFER_WITHHELD : null },
      });
    }
  }
  return outcomes;
}

function deferOrSkip(latestUsefulAt: Date | null, until: Date, reason: string): Decision {
  if (latestUsefulAt && until > latestUsefulAt) return { status: "skipped", reason: `${reason}; no longer useful by then` };
  return { status: "deferred", reason, until };
}

function toLedgerRow(row: { id: string; customerId: string; triggerKey: string; data: string; createdAt: Date }): LedgerRow {
  return { id: row.id, customerId: row.customerId, triggerKey: row.triggerKey, data: JSON.parse(row.data) as LedgerRow["data"], createdAt: row.createdAt };
}
