// The delivery port. The scenario engine renders messages, records them in its ledger and
// hands them here; a transport either sends them (SendGrid) or stores them (the local outbox).
// Every message in, one result out, keyed by the ledger id.

import { hasControlCharacter } from "~/lib/control-characters";

export interface OutgoingMessage {
  /** our ledger id; it travels as the custom arg `joren_message_id` and comes back on events */
  messageId: string;
  to: { email: string; name?: string };
  from: { email: string; name: string };
  subject: string;
  html: string;
  text: string;
  /** must include List-Unsubscribe and List-Unsubscribe-Post (see headers.ts), unless transactional */
  headers: Record<string, string>;
  /**
   * A message the recipient's own request causes and that is no marketing: the double opt-in
   * confirmation (ADR 0023). It carries no unsubscribe header: there is no list to leave.
   */
  transactional?: boolean;
  /** must include `shop_id` and `scenario`; `joren_message_id` is set from messageId */
  customArgs: Record<string, string>;
  categories?: string[];
}

export type SendResult =
  | { messageId: string; status: "sent"; providerId?: string }
  | { messageId: string; status: "failed"; error: string; permanent: boolean }
  | { messageId: string; status: "retry"; retryAfterMs: number };

export interface MailTransport {
  send(batch: OutgoingMessage[]): Promise<SendResult[]>;
  /**
   * true when the transport's own record in our database (the local outbox) shows what was
   * delivered: a message missing from it after a crash was never delivered and can be retried.
   */
  readonly recordsDelivery?: boolean;
}

export const CUSTOM_ARG = {
  messageId: "joren_message_id",
  shopId: "shop_id",
  scenario: "scenario",
} as const;

// SendGrid's limits, enforced for every transport so the outbox fails exactly where
// production would.
const MAX_CATEGORIES = 10;
const MAX_CATEGORY_LENGTH = 255;
const MAX_CUSTOM_ARGS_BYTES = 10_000;
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/** The custom args a message is sent with: the caller's, plus our ledger id. */
export function customArgsOf(message: OutgoingMessage): Record<string, string> {
  return { ...message.customArgs, [CUSTOM_ARG.messageId]: message.messageId };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.entries(headers).some(
    ([key, value]) => key.toLowerCase() === name.toLowerCase() && value.trim() !== "",
  );
}

/** Why a message must not go out, or null. A refusal is permanent: resending cannot fix it. */
export function invalidMessageReason(message: OutgoingMessage): string | null {
  if (!message.messageId) return "messageId is empty";
  if (!EMAIL.test(message.to.email)) return "recipient address is not a plain email address";
  if (!EMAIL.test(message.from.email)) return "sender address is not a plain email address";
  if (!message.from.name.trim()) return "sender name is empty";
  // the name becomes part of the From header: a line break would start a header of its own
  if (hasControlCharacter(message.from.name)) return "sender name contains a line break or control character";
  if (!message.subject.trim()) return "subject is empty";
  if (/[\r\n]/.test(message.subject)) return "subject contains a line break";
  if (!message.html.trim() || !message.text.trim()) return "html and text bodies are both required";
  // Every Joren email but a transactional one is marketing mail: RFC 8058 one-click unsubscribe is mandatory.
  if (
    !message.transactional &&
    (!hasHeader(message.headers, "List-Unsubscribe") || !hasHeader(message.headers, "List-Unsubscribe-Post"))
  ) {
    return "List-Unsubscribe and List-Unsubscribe-Post headers are required";
  }
  for (const [key, value] of Object.entries(message.headers)) {
    if (/[\r\n]/.test(key) || /[\r\n]/.test(value)) return `header ${JSON.stringify(key)} contains a line break`;
  }
  for (const key of [CUSTOM_ARG.shopId, CUSTOM_ARG.scenario]) {
    if (!message.customArgs[key]) return `custom arg ${key} is required`;
  }
  const given = message.customArgs[CUSTOM_ARG.messageId];
  if (given !== undefined && given !== message.messageId)
    return `custom arg ${CUSTOM_ARG.messageId} differs from messageId`;
  if (Buffer.byteLength(JSON.stringify(customArgsOf(message)), "utf8") > MAX_CUSTOM_ARGS_BYTES) {
    return `custom args exceed ${MAX_CUSTOM_ARGS_BYTES} bytes`;
  }
  const categories = message.categories ?? [];
  if (categories.length > MAX_CATEGORIES) return `at most ${MAX_CATEGORIES} categories`;
  if (categories.some((c) => !c || c.length > MAX_CATEGORY_LENGTH || !/^[\x20-\x7e]+$/.test(c))) {
    return `categories must be non-empty printable ASCII of at most ${MAX_CATEGORY_LENGTH} characters`;
  }
  return null;
}

/** invalidMessageReason for each message, plus a refusal for a ledger id seen earlier in the batch. */
export function refusalsFor(batch: OutgoingMessage[]): (string | null)[] {
  const seen = new Set<string>();
  return batch.map((message) => {
    const reason = invalidMessageReason(message);
    if (reason) return reason;
    // A second message with the same ledger id would be a duplicate send.
    if (seen.has(message.messageId)) return "messageId appears twice in the batch";
    seen.add(message.messageId);
    return null;
  });
}
