// Delivery events for one shop, from SendGrid's event webhook or Joren's own click and open
// tracking, applied in one transaction per batch:
// - each event is stored once per (shop, eventId) as a MailEvent; a repeat changes nothing;
// - the ledger's Message.deliveredAt / openedAt / clickedAt / bouncedAt / complainedAt hold the
//   earliest occurrence (events may arrive out of order);
// - a hard bounce and a spam report suppress the address (consent is left as it is: it is the
//   customer's choice, the suppression is the address's deliverability). A "blocked" bounce
//   (SendGrid's soft bounce: the receiving server refused for now, often because of the sending
//   IP rather than the address) only marks the message;
// - an unsubscribe unsubscribes as unsubscribeByMessage does, and returns who Shopify must be told
//   about (once per customer, however many unsubscribe events the batch holds);
// - processed, dropped and deferred are stored only.
// Events whose message is not one of this shop's are ignored: an event can never touch another
// shop's ledger.
import { createHash } from "node:crypto";
import type { Db, Tx } from "~/db.server";
import { isUniqueViolation } from "~/lib/db-errors";
import { recordEngagement } from "~/modules/engine/message-ledger.server";
import { confirmAwaitingSend, isAwaitingProviderEvents } from "~/modules/engine/recover-sends.server";
import type { MailEventKind } from "./sendgrid-events.server";
import { suppressEmails } from "./suppress-email.server";
import { applyUnsubscribe, recordMailEventOnce, type ConsentWriteBack } from "./unsubscribe.server";

export interface MailEventInput {
  /** unique per shop: SendGrid's sg_event_id, or trackingEventId() for Joren's own tracking */
  eventId: string;
  /** the ledger id; events without one are ignored */
  messageId: string | null;
  /** when given, it must be the batch's shop (else the event is ignored) */
  shopId?: string | null;
  kind: MailEventKind;
  /** the recipient address the provider names (suppressions use it, else the message's) */
  email?: string | null;
  at: Date;
  url?: string;
  reason?: string;
  bounceType?: "bounce" | "blocked";
}

export interface RecordMailEventsResult {
  /** events stored now */
  applied: number;
  /** events stored before (or twice in this batch) */
  duplicates: number;
  /** events without a message of this shop */
  ignored: number;
  /** customers unsubscribed now whose Shopify consent must be written back (writeBackUnsubscribe) */
  writeBacks: ConsentWriteBack[];
}

const MAX_ATTEMPTS = 3;
const MAX_STORED_URL_LENGTH = 2000;

/** The eventId of Joren's own tracking: one open per message, one click per message and URL. */
export function trackingEventId(kind: "open" | "click", messageId: string, url?: string): string {
  if (kind === "open") return `open:${messageId}`;
  if (url === undefined) throw new Error("a click event id needs the clicked URL");
  return `click:${messageId}:${createHash("sha1").update(url, "utf8").digest("hex")}`;
}

type MessageTimestamp = "deliveredAt" | "openedAt" | "clickedAt" | "bouncedAt" | "complainedAt";

const TIMESTAMP_OF: Partial<Record<MailEventKind, MessageTimestamp>> = {
  delivered: "deliveredAt",
  open: "openedAt",
  click: "clickedAt",
  bounce: "bouncedAt",
  spamreport: "complainedAt",
};

async function markEarliest(tx: Tx, messageId: string, field: MessageTimestamp, at: Date): Promise<void> {
  await recordEngagement(tx, messageId, field, at);
}

interface LedgerMessage {
  id: string;
  customerId: string;
  email: string | null;
}

async function applyEvent(
  tx: Tx,
  shopId: string,
  event: MailEventInput,
  message: LedgerMessage,
  writeBacks: Map<string, ConsentWriteBack>,
) {
  const field = TIMESTAMP_OF[event.kind];
  if (field) await markEarliest(tx, message.id, field, event.at);
  const address = event.email ?? message.email;
  if (event.kind === "bounce" && event.bounceType !== "blocked") {
    await suppressEmails(tx, shopId, [address], "bounce", event.at);
  } else if (event.kind === "spamreport") {
    await suppressEmails(tx, shopId, [address], "spamreport", event.at);
  } else if (event.kind === "unsubscribe") {
    const result = await applyUnsubscribe(tx, {
      shopId,
      messageId: message.id,
      customerId: message.customerId,
      emails: [event.email],
      at: event.at,
    });
    if (result.writeBack) writeBacks.set(result.writeBack.customerId, result.writeBack);
  }
}

async function recordOnce(db: Db, shopId: string, events: MailEventInput[]): Promise<RecordMailEventsResult> {
  return db.$transaction(async (tx) => {
    const result: RecordMailEventsResult = { applied: 0, duplicates: 0, ignored: 0, writeBacks: [] };
    const candidates = events.filter((e) => e.messageId && (e.shopId == null || e.shopId === shopId));
    result.ignored = events.length - candidates.length;
    if (candidates.length === 0) return result;

    const messageIds = [...new Set(candidates.map((e) => e.messageId as string))];
    const messages = new Map(
      (
        await tx.message.findMany({
          where: { shopId, id: { in: messageIds } },
          select: { id: true, customerId: true, email: true, status: true, claimedBy: true },
        })
      ).map((m) => [m.id, m]),
    );
    const known = await tx.mailEvent.findMany({
      where: { shopId, eventId: { in: [...new Set(candidates.map((e) => e.eventId))] } },
      select: { eventId: true },
    });
    const seen = new Set(known.map((e) => e.eventId));
    const writeBacks = new Map<string, ConsentWriteBack>();
    const awaitingFirstEvent = new Map<string, Date>();

    for (const event of candidates) {
      const message = messages.get(event.messageId as string);
      if (!message) {
        result.ignored += 1;
        continue;
      }
      if (seen.has(event.eventId)) {
        result.duplicates += 1;
        continue;
      }
      seen.add(event.eventId);
      await recordMailEventOnce(tx, shopId, {
        eventId: event.eventId,
        messageId: message.id,
        kind: event.kind,
        url: event.url?.slice(0, MAX_STORED_URL_LENGTH) ?? null,
        at: event.at,
      });
      await applyEvent(tx, shopId, event, message, writeBacks);
      if (isAwaitingProviderEvents(message)) {
        const first = awaitingFirstEvent.get(message.id);
        if (!first || event.at < first) awaitingFirstEvent.set(message.id, event.at);
      }
      result.applied += 1;
    }
    for (const [messageId, at] of awaitingFirstEvent) await confirmAwaitingSend(tx, messageId, at);
    result.writeBacks = [...writeBacks.values()];
    return result;
  });
}

/**
 * Applies one shop's events in one transaction. Never writes to Shopify: the caller passes
 * `writeBacks` to writeBackUnsubscribe after this returns (after the commit).
 */
export async function recordMailEvents(
  db: Db,
  shopId: string,
  events: MailEventInput[],
): Promise<RecordMailEventsResult> {
  if (events.length === 0) return { applied: 0, duplicates: 0, ignored: 0, writeBacks: [] };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await recordOnce(db, shopId, events);
    } catch (error) {
      // A concurrent delivery of the same event won the insert; retried, it is a duplicate.
      if (!isUniqueViolation(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
