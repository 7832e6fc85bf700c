import type { Db } from "~/db.server";
import { chunked } from "~/lib/chunks";
import {
  AWAITING_PROVIDER_EVENTS,
  confirmAwaitingSend as confirmSent,
  settleInterrupted,
  type InterruptedOutcome,
} from "./message-ledger.server";

export { AWAITING_PROVIDER_EVENTS } from "./message-ledger.server";
/** How long an interrupted row waits for an event before it is taken as never sent. */
export const PROVIDER_EVENTS_WINDOW_MS = 60 * 60_000;
/** Events from SendGrid itself (not our own open/click links) this recent prove the event webhook works. */
const EVENT_WEBHOOK_EVIDENCE_MS = 7 * 24 * 60 * 60_000;
const PROVIDER_EVENT_KINDS = ["processed", "delivered", "deferred", "dropped", "bounce", "spamreport", "unsubscribe"];

const REASONS = {
  inOutbox: "recovered after an interruption: the outbox holds it",
  neverStored: "interrupted before it was stored; retried",
  providerSawIt: "recovered after an interruption: SendGrid's events show it was accepted",
  noEventInWindow:
    "interrupted while sending, and SendGrid reported no event for it within an hour: it never went out; retried",
  unknowable:
    "interrupted while sending; not retried, so it can never arrive twice (configure SendGrid's event webhook and such rows are confirmed or retried instead)",
  awaiting: "interrupted while sending; waiting up to an hour for SendGrid's events to show whether it went out",
};

/**
 * A row left in "sending" past its claim means a process died between claiming it and recording
 * the result (docs/decisions/0010). What happens next depends on what can prove the outcome:
 * - the local outbox holds it: it was sent;
 * - the transport is the outbox itself (`retryUndelivered`: its record is in this database):
 *   absence proves it never went out, so it is due again at once and goes through every rule;
 * - SendGrid (no idempotency key: it may have accepted the request before the crash): any event
 *   for the row proves it went out. Without one yet, and when the shop's event webhook is known
 *   to work, the row waits up to an hour for one; still nothing, SendGrid never had it, and it is
 *   retried. With no working event webhook nothing can prove either way, and the row is failed:
 *   an email twice is worse than a missed reminder.
 */
export async function recoverInterruptedSends(
  db: Db,
  shopId: string,
  now: Date,
  options: { retryUndelivered?: boolean } = {},
): Promise<number> {
  const stuck = await db.message.findMany({
    where: { shopId, status: "sending", claimedUntil: { lt: now } },
    select: { id: true, claimedBy: true },
  });
  if (stuck.length === 0) return 0;
  const ids = stuck.map((s) => s.id);
  const inOutbox = new Set<string>();
  const seenByProvider = new Set<string>();
  for (const chunk of chunked(ids)) {
    for (const o of await db.outboxEmail.findMany({
      where: { shopId, messageId: { in: chunk } },
      select: { messageId: true },
    }))
      inOutbox.add(o.messageId);
    if (!options.retryUndelivered) {
      for (const e of await db.mailEvent.findMany({
        where: { shopId, messageId: { in: chunk } },
        select: { messageId: true },
        distinct: ["messageId"],
      })) {
        if (e.messageId) seenByProvider.add(e.messageId);
      }
    }
  }
  const webhookWorks = !options.retryUndelivered && (await eventWebhookWorks(db, shopId, now));

  const outcomeOf = (id: string, claimedBy: string | null): InterruptedOutcome => {
    if (inOutbox.has(id)) return { to: "sent", reason: REASONS.inOutbox, sentAt: now };
    if (options.retryUndelivered) return { to: "deferred", reason: REASONS.neverStored, deferredUntil: now };
    if (seenByProvider.has(id)) return { to: "sent", reason: REASONS.providerSawIt, sentAt: now };
    if (claimedBy === AWAITING_PROVIDER_EVENTS)
      return { to: "deferred", reason: REASONS.noEventInWindow, deferredUntil: now };
    if (!webhookWorks) return { to: "failed", reason: REASONS.unknowable };
    return {
      to: "awaiting-provider-events",
      reason: REASONS.awaiting,
      until: new Date(now.getTime() + PROVIDER_EVENTS_WINDOW_MS),
    };
  };
  for (const { id, claimedBy } of stuck) await settleInterrupted(db, id, claimedBy, outcomeOf(id, claimedBy));
  return stuck.length;
}

async function eventWebhookWorks(db: Db, shopId: string, now: Date): Promise<boolean> {
  const recent = await db.mailEvent.findFirst({
    where: {
      shopId,
      kind: { in: PROVIDER_EVENT_KINDS },
      at: { gte: new Date(now.getTime() - EVENT_WEBHOOK_EVIDENCE_MS) },
    },
    select: { id: true },
  });
  return recent !== null;
}

export function isAwaitingProviderEvents(message: { status: string; claimedBy: string | null }): boolean {
  return message.status === "sending" && message.claimedBy === AWAITING_PROVIDER_EVENTS;
}

/**
 * An event for a row waiting after an interruption settles it at once: SendGrid had it, at the
 * time of its first event. Runs in the event webhook's transaction.
 */
export async function confirmAwaitingSend(
  tx: Pick<Db, "message">,
  messageId: string,
  firstEventAt: Date,
): Promise<void> {
  await confirmSent(tx, messageId, REASONS.providerSawIt, firstEventAt);
}
