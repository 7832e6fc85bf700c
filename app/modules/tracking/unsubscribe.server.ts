// Unsubscribing the recipient of one email: consent, suppression, the ledger and a mail event in
// one transaction, then Shopify's consent written back (after the commit, so a slow or failing
// Admin API never holds the transaction or loses the unsubscribe).
import { recordUnsubscribe } from "~/modules/engine/message-ledger.server";
import type { Db, Tx } from "~/db.server";
import { isUniqueViolation } from "~/lib/db-errors";
import { log } from "~/lib/log.server";
import { isAdminApiError, type AdminPort } from "~/modules/platform/shopify/admin-port";
import { suppressEmails } from "./suppress-email.server";

/** Customer.emailConsentSource after Joren unsubscribed the customer and told Shopify. */
export const UNSUBSCRIBE_SOURCE = "joren_unsubscribe";
/** …and when telling Shopify failed: a later sync looks for this value. */
export const UNSUBSCRIBE_PENDING_SYNC_SOURCE = "joren_unsubscribe_pending_sync";

const MAX_ATTEMPTS = 3;

/** The Admin API port, or how to get it (called only when Shopify must be told). */
export type AdminPortSource = AdminPort | (() => Promise<AdminPort>) | null;

/** A customer whose consent Joren just set to UNSUBSCRIBED and Shopify must be told about. */
export interface ConsentWriteBack {
  shopId: string;
  customerId: string;
  customerGid: string;
}

export interface ApplyUnsubscribeInput {
  shopId: string;
  /** the email the recipient unsubscribed from, when known */
  messageId: string | null;
  /** the customer the link was made for; the message's own customer wins when the message exists */
  customerId: string | null;
  /** further addresses to suppress (e.g. the address a provider event names) */
  emails?: ReadonlyArray<string | null | undefined>;
  at: Date;
}

export interface ApplyUnsubscribeResult {
  messageFound: boolean;
  customerId: string | null;
  consentChanged: boolean;
  suppressionsCreated: number;
  messageMarked: boolean;
  /** set when Shopify's consent must be written back */
  writeBack: ConsentWriteBack | null;
}

/**
 * The database half of an unsubscribe, inside the caller's transaction; it records no mail event
 * (the caller knows the event's id). Every step is idempotent: consent only moves to
 * UNSUBSCRIBED, suppressions are created once, Message.unsubscribedAt is set once.
 */
export async function applyUnsubscribe(tx: Tx, input: ApplyUnsubscribeInput): Promise<ApplyUnsubscribeResult> {
  const message = input.messageId
    ? await tx.message.findFirst({
        where: { id: input.messageId, shopId: input.shopId },
        select: { id: true, customerId: true, email: true, unsubscribedAt: true },
      })
    : null;
  const customerId = message?.customerId ?? input.customerId;
  const customer = customerId
    ? await tx.customer.findFirst({
        where: { id: customerId, shopId: input.shopId },
        select: {
          id: true,
          gid: true,
          email: true,
          emailNormalized: true,
          emailConsent: true,
          redactedAt: true,
          deletedAt: true,
        },
      })
    : null;

  let consentChanged = false;
  // A redacted customer's consent stays REDACTED: there is nobody left to unsubscribe.
  if (customer && !customer.redactedAt && customer.emailConsent !== "UNSUBSCRIBED") {
    await tx.customer.update({
      where: { id: customer.id },
      data: { emailConsent: "UNSUBSCRIBED", emailConsentAt: input.at, emailConsentSource: UNSUBSCRIBE_SOURCE },
    });
    consentChanged = true;
  }

  // The customer's address and the one this email went to (they differ if the customer changed
  // address since): the person asked for no more mail at either.
  const suppressionsCreated = await suppressEmails(
    tx,
    input.shopId,
    [customer?.emailNormalized ?? customer?.email, message?.email, ...(input.emails ?? [])],
    "unsubscribe",
    input.at,
  );

  let messageMarked = false;
  if (message && !message.unsubscribedAt) {
    messageMarked = await recordUnsubscribe(tx, message.id, input.at);
  }

  return {
    messageFound: message !== null,
    customerId: customer?.id ?? null,
    consentChanged,
    suppressionsCreated,
    messageMarked,
    // A customer deleted in Shopify has no consent there to update.
    writeBack:
      consentChanged && customer?.gid && !customer.deletedAt
        ? { shopId: input.shopId, customerId: customer.id, customerGid: customer.gid }
        : null,
  };
}

/** Stores a mail event unless the shop already has one with this id; true when stored now. */
export async function recordMailEventOnce(
  tx: Tx,
  shopId: string,
  event: { eventId: string; messageId: string | null; kind: string; url?: string | null; at: Date },
): Promise<boolean> {
  const existing = await tx.mailEvent.findUnique({
    where: { shopId_eventId: { shopId, eventId: event.eventId } },
    select: { id: true },
  });
  if (existing) return false;
  await tx.mailEvent.create({
    data: {
      shopId,
      eventId: event.eventId,
      messageId: event.messageId,
      kind: event.kind,
      url: event.url ?? null,
      at: event.at,
    },
  });
  return true;
}

function errorSummary(error: unknown): Record<string, unknown> {
  // Ids only in the log: Shopify's messages may quote the customer's address.
  if (isAdminApiError(error)) return { errorKind: error.kind, status: error.status, codes: error.codes };
  return { errorKind: error instanceof Error ? error.name : typeof error };
}

/**
 * Tells Shopify the customer unsubscribed. On failure (or with no port) the customer's consent
 * source becomes UNSUBSCRIBE_PENDING_SYNC_SOURCE so a later sync can find it; never throws.
 */
export async function writeBackUnsubscribe(
  db: Db,
  admin: AdminPortSource,
  target: ConsentWriteBack,
): Promise<"synced" | "pending"> {
  try {
    if (!admin) throw new Error("no Admin API port for the shop");
    const port = typeof admin === "function" ? await admin() : admin;
    await port.updateEmailConsent(target.customerGid, "UNSUBSCRIBED");
    return "synced";
  } catch (error) {
    log("warn", "unsubscribe: writing consent back to Shopify failed; marked for a later sync", {
      shopId: target.shopId,
      customerId: target.customerId,
      ...errorSummary(error),
    });
    try {
      // Only while the state is still ours: a newer consent from Shopify needs no sync.
      await db.customer.updateMany({
        where: {
          id: target.customerId,
          shopId: target.shopId,
          emailConsent: "UNSUBSCRIBED",
          emailConsentSource: UNSUBSCRIBE_SOURCE,
        },
        data: { emailConsentSource: UNSUBSCRIBE_PENDING_SYNC_SOURCE },
      });
    } catch (markError) {
      log("warn", "unsubscribe: could not mark the consent for a later sync", {
        shopId: target.shopId,
        customerId: target.customerId,
        ...errorSummary(markError),
      });
    }
    return "pending";
  }
}

export interface UnsubscribeByMessageInput {
  shopId: string;
  messageId: string;
  customerId: string;
  now: Date;
  admin: AdminPortSource;
}

export interface UnsubscribeResult {
  /** false when the shop is gone (uninstalled and redacted): nothing left to unsubscribe from */
  shopFound: boolean;
  /** anything written by this call; false for a repeated unsubscribe */
  changed: boolean;
  consentChanged: boolean;
  /** synced: Shopify told; pending: telling Shopify failed (marked for a later sync); not_needed */
  shopifySync: "synced" | "pending" | "not_needed";
}

export function unsubscribeEventId(messageId: string): string {
  return `unsubscribe:${messageId}`;
}

async function unsubscribeOnce(db: Db, input: UnsubscribeByMessageInput) {
  return db.$transaction(async (tx) => {
    const shop = await tx.shop.findUnique({ where: { id: input.shopId }, select: { id: true } });
    if (!shop) return null;
    const applied = await applyUnsubscribe(tx, {
      shopId: input.shopId,
      messageId: input.messageId,
      customerId: input.customerId,
      at: input.now,
    });
    const eventRecorded = await recordMailEventOnce(tx, input.shopId, {
      eventId: unsubscribeEventId(input.messageId),
      // only a message of this shop: a token naming another shop's message must not tie its event to it
      messageId: applied.messageFound ? input.messageId : null,
      kind: "unsubscribe",
      at: input.now,
    });
    return { ...applied, eventRecorded };
  });
}

/**
 * The recipient of message `messageId` unsubscribes (the one-click POST or the page's button).
 * Idempotent: repeating it writes nothing and reports success again.
 */
export async function unsubscribeByMessage(db: Db, input: UnsubscribeByMessageInput): Promise<UnsubscribeResult> {
  let applied: Awaited<ReturnType<typeof unsubscribeOnce>>;
  for (let attempt = 1; ; attempt += 1) {
    try {
      applied = await unsubscribeOnce(db, input);
      break;
    } catch (error) {
      // The same link posted twice at once: the loser's insert hits a unique key; retried, it sees the rows.
      if (!isUniqueViolation(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
  if (!applied) return { shopFound: false, changed: false, consentChanged: false, shopifySync: "not_needed" };
  const changed =
    applied.consentChanged || applied.suppressionsCreated > 0 || applied.messageMarked || applied.eventRecorded;
  const shopifySync = applied.writeBack ? await writeBackUnsubscribe(db, input.admin, applied.writeBack) : "not_needed";
  return { shopFound: true, changed, consentChanged: applied.consentChanged, shopifySync };
}
