// The engine's clock-driven runner: tick(shop, now) plans the scenarios' trigger instances into
// the ledger, then takes every due row through the send rules in docs/product.md's fixed order and
// dispatches what survives. `now` is always a parameter, so tests and the demo fast-forward time.
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { chunked, queryInChunks } from "~/lib/chunks";
import { normalizeEmail } from "~/lib/email";
import { knownOrderCounts } from "~/modules/mirror/guard/known-orders.server";
import { decideOffer, OFFER_WITHHELD } from "~/modules/mirror/guard/offer-policy";
import type { AdminPort } from "~/modules/platform/shopify/admin-port";
import type { MailTransport } from "~/modules/delivery/mail/transport";
import { parseRowData } from "~/modules/engine/scenarios/all";
import { SCENARIO_DEFINITIONS, scenarioDefinition } from "~/modules/engine/scenarios/all.server";
import type { LedgerRow, MessageContent, ScenarioContext } from "~/modules/engine/scenarios/scenario-definition";
import { getScenarioConfigs } from "~/modules/engine/scenarios/scenario-config.server";
import type { ScenarioKey } from "~/modules/engine/scenarios/scenario-settings";
import {
  effectiveTimezone,
  isSenderIdentityComplete,
  parseShopSettings,
  type ShopSettings,
} from "~/modules/platform/settings/shop-settings";
import { consentDecision } from "./rules/consent";
import { frequencyCapDecisions } from "./rules/frequency-cap";
import { holdoutDecision } from "./rules/holdout";
import { quietHoursDecision } from "./rules/quiet-hours";
import { dispatchMessages, type Dispatchable } from "./dispatch.server";
import { decideDue, type DueDecision, type LedgerStatus } from "./message-ledger.server";
import { planLedgerRows } from "./plan-ledger.server";
import { recoverInterruptedSends } from "./recover-sends.server";
import { sweepOptInRequests } from "~/modules/delivery/opt-in/opt-in.server";

export interface EngineDeps {
  transport: MailTransport;
  admin: AdminPort;
  /** public https origin of the app: unsubscribe, click and open links point here */
  appUrl: string;
  mailSecret: string;
  workerId?: string;
}

export type { LedgerStatus } from "./message-ledger.server";

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

type Decision = DueDecision;

export async function runTick(db: Db, shopId: string, now: Date, deps: EngineDeps): Promise<TickSummary> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
  const summary: TickSummary = {
    shop: shop.domain,
    now: now.toISOString(),
    planned: {},
    decided: {},
    recovered: 0,
    notes: [],
  };
  if (shop.uninstalledAt) {
    summary.notes.push("shop uninstalled: nothing runs");
    return summary;
  }
  const settings = parseShopSettings(shop.settings);
  const timezone = effectiveTimezone(settings, shop.timezone);
  const configs = await getScenarioConfigs(db, shopId);
  const contextFor = <K extends ScenarioKey>(key: K): ScenarioContext<K> => ({
    db,
    shopId,
    now,
    timezone,
    storefrontUrl: `https://${shop.domain}`,
    settings: configs[key].settings,
  });

  summary.recovered = await recoverInterruptedSends(db, shopId, now, {
    retryUndelivered: deps.transport.recordsDelivery === true,
  });
  // double opt-in confirmations a provider asked to retry or a crash interrupted (ADR 0023)
  await sweepOptInRequests(db, shopId, now, deps);

  for (const key of Object.keys(SCENARIO_DEFINITIONS) as ScenarioKey[]) {
    if (!configs[key].enabled) continue;
    const candidates = await scenarioDefinition(key).plan(contextFor(key));
    summary.planned[key] = await planLedgerRows(db, shopId, key, candidates, now);
  }
  if (!isSenderIdentityComplete(settings))
    summary.notes.push("sender identity incomplete: sends wait until it is set (Settings → Sender)");

  const count = (scenario: string, status: LedgerStatus, n = 1) => {
    if (n === 0) return;
    const row = (summary.decided[scenario] ??= {});
    row[status] = (row[status] ?? 0) + n;
  };
  // Every row a batch touches leaves the due set (sent, skipped, held out, deferred to a later
  // time, or claimed by another instance), so the next query returns only new work; a batch
  // that moved nothing ends the tick rather than loop.
  let previous = "";
  for (;;) {
    const due = await db.message.findMany({
      where: {
        shopId,
        OR: [
          { status: "planned", dueAt: { lte: now } },
          { status: "deferred", deferredUntil: { lte: now } },
        ],
      },
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
    const outcomes = await decideBatch(db, shopId, now, settings, timezone, configs, contextFor, due);
    const byId = new Map(due.map((m) => [m.id, m]));
    const dispatchable: Dispatchable[] = [];
    // Rows with the same outcome are written together: one conditional update per outcome, not per row.
    const groups = new Map<string, { scenario: string; decision: Decision; ids: string[] }>();
    for (const [id, outcome] of outcomes) {
      if ("dispatch" in outcome) {
        dispatchable.push(outcome.dispatch);
        continue;
      }
      const scenario = byId.get(id)!.scenario;
      const key = JSON.stringify([scenario, outcome.status, outcome.reason, outcome.until?.getTime() ?? null]);
      const group = groups.get(key) ?? { scenario, decision: outcome, ids: [] };
      group.ids.push(id);
      groups.set(key, group);
    }
    for (const { scenario, decision, ids } of groups.values()) {
      for (const chunk of chunked(ids)) count(scenario, decision.status, await decideDue(db, shopId, chunk, decision));
    }
    const results = await dispatchMessages(
      db,
      { shop, settings, timezone, now, deps, workerId: deps.workerId ?? randomUUID() },
      dispatchable,
    );
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
  timezone: string,
  configs: Awaited<ReturnType<typeof getScenarioConfigs>>,
  contextFor: <K extends ScenarioKey>(key: K) => ScenarioContext<K>,
  due: DueRow[],
): Promise<Map<string, Decision | { dispatch: Dispatchable }>> {
  const outcomes = new Map<string, Decision | { dispatch: Dispatchable }>();
  const customerIds = [...new Set(due.map((m) => m.customerId))];
  const customers = new Map(
    (await queryInChunks(customerIds, (chunk) => db.customer.findMany({ where: { shopId, id: { in: chunk } } }))).map(
      (c) => [c.id, c],
    ),
  );
  const emails = [...customers.values()].flatMap((c) => (c.emailNormalized ? [c.emailNormalized] : []));
  const suppressed = new Map(
    (
      await queryInChunks(emails, (chunk) =>
        db.suppression.findMany({ where: { shopId, emailNormalized: { in: chunk } } }),
      )
    ).map((s) => [s.emailNormalized, s.reason]),
  );
  const recent = await queryInChunks(customerIds, (chunk) =>
    db.message.findMany({
      where: {
        shopId,
        customerId: { in: chunk },
        status: "sent",
        sentAt: { gte: new Date(now.getTime() - settings.frequencyCapHours * HOUR) },
      },
      select: { customerId: true, scenario: true, sentAt: true },
    }),
  );
  const recentByCustomer = groupBy(recent, (r) => r.customerId);
  const senderReady = isSenderIdentityComplete(settings);

  // 1–2, row by row from what is already loaded
  const passedConsent: DueRow[] = [];
  for (const row of due) {
    const customer = customers.get(row.customerId);
    const key = row.scenario as ScenarioKey;
    // 1. scenario on, shop installed (checked by the caller), sender identity configured
    if (!(key in SCENARIO_DEFINITIONS) || !configs[key]?.enabled) {
      outcomes.set(row.id, { status: "skipped", reason: "scenario is off" });
      continue;
    }
    if (row.latestUsefulAt && row.latestUsefulAt < now) {
      outcomes.set(row.id, { status: "skipped", reason: `no longer useful after ${row.latestUsefulAt.toISOString()}` });
      continue;
    }
    if (!senderReady) {
      outcomes.set(
        row.id,
        deferOrSkip(
          row.latestUsefulAt,
          new Date(now.getTime() + SENDER_RETRY_MS),
          "sender identity is not configured (Settings → Sender)",
        ),
      );
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
    passedConsent.push(row);
  }

  // 3. the scenarios' exits, against the latest data: one batch call per scenario. Each row's
  // data is parsed with its scenario's row schema first (app/modules/engine/scenarios/<key>/data.ts).
  const ledgerRows = new Map<string, LedgerRow>();
  const readable: DueRow[] = [];
  for (const row of passedConsent) {
    const parsed = parseRowData(row.scenario as ScenarioKey, row.data);
    if (!parsed.ok) {
      outcomes.set(row.id, { status: "skipped", reason: parsed.reason });
      continue;
    }
    ledgerRows.set(row.id, {
      id: row.id,
      customerId: row.customerId,
      triggerKey: row.triggerKey,
      data: parsed.data,
      createdAt: row.createdAt,
    });
    readable.push(row);
  }
  const exits = new Map<string, string>();
  for (const [key, rows] of groupBy(readable, (r) => r.scenario as ScenarioKey)) {
    for (const [id, reason] of await scenarioDefinition(key).exits(
      contextFor(key),
      rows.map((r) => ledgerRows.get(r.id)!),
    ))
      exits.set(id, reason);
  }

  // 4–5 per customer: frequency cap with scenario priority, then quiet hours in the shop's timezone
  const quiet = quietHoursDecision(now, timezone, settings.quietHours);
  const cleared: DueRow[] = [];
  for (const [customerId, rows] of groupBy(readable, (r) => r.customerId)) {
    const survivors: DueRow[] = [];
    for (const row of rows) {
      const exit = exits.get(row.id);
      if (exit) outcomes.set(row.id, { status: "skipped", reason: exit });
      else survivors.push(row);
    }
    const capped = frequencyCapDecisions({
      candidates: survivors.map((r) => ({
        id: r.id,
        scenarioKey: r.scenario as ScenarioKey,
        plannedAt: r.dueAt,
        latestUsefulAt: r.latestUsefulAt,
      })),
      recentSends: (recentByCustomer.get(customerId) ?? []).map((r) => ({
        scenarioKey: r.scenario,
        sentAt: r.sentAt!,
      })),
      capHours: settings.frequencyCapHours,
      now,
    });
    const survivorsById = new Map(survivors.map((r) => [r.id, r]));
    for (const decision of capped) {
      const row = survivorsById.get(decision.id)!;
      if (!decision.result.pass) {
        outcomes.set(row.id, {
          status: decision.result.outcome as Decision["status"],
          reason: decision.result.reason,
          until: decision.result.until,
        });
      } else if (!quiet.pass) {
        outcomes.set(row.id, deferOrSkip(row.latestUsefulAt, quiet.until ?? now, quiet.reason));
      } else cleared.push(row);
    }
  }

  // 6–7: what each email would offer (guarded: first-purchase offers only to prospects), then holdout
  const contents = new Map<string, MessageContent>();
  for (const [key, rows] of groupBy(cleared, (r) => r.scenario as ScenarioKey)) {
    for (const [id, content] of await scenarioDefinition(key).contents(
      contextFor(key),
      rows.map((r) => ledgerRows.get(r.id)!),
    ))
      contents.set(id, content);
  }
  // rule 6 asks "ordered before?" by account and by email, fresh at decision time — only for
  // the people a first-purchase offer would reach
  const offeredFirstPurchase = cleared.flatMap((row) =>
    contents.get(row.id)?.incentive?.audience === "first_purchase" ? [customers.get(row.customerId)!] : [],
  );
  const knownOrders = await knownOrderCounts(db, shopId, offeredFirstPurchase.filter(Boolean));
  for (const [key, rows] of groupBy(cleared, (r) => r.scenario as ScenarioKey)) {
    for (const row of rows) {
      const content = contents.get(row.id);
      if (!content) {
        outcomes.set(row.id, { status: "skipped", reason: "nothing left to show in the email" });
        continue;
      }
      const customer = customers.get(row.customerId);
      const offer = decideOffer(
        content.incentive,
        { ordersCount: knownOrders.get(row.customerId) ?? customer?.ordersCount ?? 0 },
        settings.guard.loyaltyVariant,
      );
      const holdout = holdoutDecision(row.customerId, key, settings.holdoutPercent, shopId);
      if (!holdout.pass) {
        outcomes.set(row.id, {
          status: "held_out",
          reason: offer.withheld ? `${holdout.reason}; ${OFFER_WITHHELD}` : holdout.reason,
        });
        continue;
      }
      outcomes.set(row.id, {
        dispatch: {
          row,
          customer: customer!,
          content: { ...content, incentive: offer.incentive },
          note: offer.withheld ? OFFER_WITHHELD : null,
        },
      });
    }
  }
  return outcomes;
}

type DueRow = Awaited<ReturnType<Db["message"]["findMany"]>>[number];

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function deferOrSkip(latestUsefulAt: Date | null, until: Date, reason: string): Decision {
  if (latestUsefulAt && until > latestUsefulAt)
    return { status: "skipped", reason: `${reason}; no longer useful by then` };
  return { status: "deferred", reason, until };
}
