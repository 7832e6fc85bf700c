// SendGrid's Signed Event Webhook. SendGrid signs timestamp + raw body with ECDSA P-256 /
// SHA-256 and sends the DER signature in base64; the merchant copies the public key (base64
// DER SPKI) from the SendGrid settings. The signature must be checked over the exact bytes
// received, so callers pass the raw body, never a re-serialised one.
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { CUSTOM_ARG } from "../delivery/mail/transport";

export const SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
export const TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_EVENTS = 5000;
// A signed request older than this is treated as a replay. (Within the window a replay only
// repeats events, which the engine de-duplicates by eventId.)
export const MAX_TIMESTAMP_SKEW_MS = 10 * 60 * 1000;

export type SignatureCheck =
  { ok: true } | { ok: false; reason: "missing" | "malformed" | "too_large" | "stale" | "bad_signature" };

const keys = new Map<string, KeyObject>();

function publicKeyFrom(publicKeyBase64: string): KeyObject {
  const cached = keys.get(publicKeyBase64);
  if (cached) return cached;
  let key: KeyObject;
  try {
    key = publicKeyBase64.includes("-----BEGIN")
      ? createPublicKey(publicKeyBase64)
      : createPublicKey({
          key: Buffer.from(publicKeyBase64.replace(/\s+/g, ""), "base64"),
          format: "der",
          type: "spki",
        });
  } catch {
    throw new Error("the SendGrid event webhook public key is not a base64 DER (SPKI) public key");
  }
  if (key.asymmetricKeyType !== "ec") throw new Error("the SendGrid event webhook public key is not an EC key");
  keys.set(publicKeyBase64, key);
  return key;
}

/** Throws only when the configured public key itself is unusable (a configuration error). */
export function verifySendgridSignature(
  publicKeyBase64: string,
  signature: string | null | undefined,
  timestamp: string | null | undefined,
  rawBody: string | Uint8Array,
  now: Date,
): SignatureCheck {
  const key = publicKeyFrom(publicKeyBase64);
  if (!signature || !timestamp) return { ok: false, reason: "missing" };
  const body = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : Buffer.from(rawBody);
  if (body.length > MAX_BODY_BYTES) return { ok: false, reason: "too_large" };
  if (!/^\d{1,12}$/.test(timestamp) || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature) || signature.length > 200) {
    return { ok: false, reason: "malformed" };
  }
  if (Math.abs(now.getTime() - Number(timestamp) * 1000) > MAX_TIMESTAMP_SKEW_MS) return { ok: false, reason: "stale" };
  const signed = Buffer.concat([Buffer.from(timestamp, "utf8"), body]);
  let valid: boolean;
  try {
    valid = verify("sha256", signed, { key, dsaEncoding: "der" }, Buffer.from(signature, "base64"));
  } catch {
    // a signature that is not valid DER makes OpenSSL throw instead of returning false
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, reason: "bad_signature" };
}

export type MailEventKind =
  "processed" | "delivered" | "open" | "click" | "bounce" | "dropped" | "deferred" | "spamreport" | "unsubscribe";

export interface NormalizedMailEvent {
  /** sg_event_id: the key to de-duplicate on (SendGrid delivers at least once) */
  eventId: string;
  /** our ledger id (custom arg joren_message_id); null for mail Joren did not send */
  messageId: string | null;
  shopId: string | null;
  kind: MailEventKind;
  email: string;
  at: Date;
  /** the clicked URL */
  url?: string;
  /** why a bounce, drop or deferral happened */
  reason?: string;
  /** for bounces: "bounce" is a hard bounce, "blocked" a soft one */
  bounceType?: "bounce" | "blocked";
}

// SendGrid event names → our kinds. A group unsubscribe is an unsubscribe for Joren's
// purposes (consent is all-or-nothing). Names not listed here (SendGrid adds some, e.g.
// group_resubscribe) are skipped, not rejected: a rejected batch would be redelivered forever.
const KINDS: Record<string, MailEventKind> = {
  processed: "processed",
  delivered: "delivered",
  open: "open",
  click: "click",
  bounce: "bounce",
  dropped: "dropped",
  deferred: "deferred",
  spamreport: "spamreport",
  unsubscribe: "unsubscribe",
  group_unsubscribe: "unsubscribe",
};

const customArg = z.union([z.string().max(200), z.number().transform(String)]).optional();
const eventSchema = z.looseObject({
  event: z.string().min(1).max(64),
  sg_event_id: z.string().min(1).max(200),
  sg_message_id: z.string().max(500).optional(),
  timestamp: z.number().int().nonnegative(),
  email: z.string().min(3).max(320),
  [CUSTOM_ARG.messageId]: customArg,
  [CUSTOM_ARG.shopId]: customArg,
  url: z.string().max(8000).optional(),
  reason: z.string().max(4000).optional(),
  response: z.string().max(4000).optional(),
  type: z.string().max(64).optional(),
});

export class SendgridEventsError extends Error {
  constructor(readonly issues: string[]) {
    super(
      `invalid SendGrid event payload: ${issues.slice(0, 5).join("; ")}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ""}`,
    );
    this.name = "SendgridEventsError";
  }
}

/** Parses a (verified) event webhook body. Throws SendgridEventsError naming each bad event and field. */
export function parseSendgridEvents(rawBody: string | Uint8Array): NormalizedMailEvent[] {
  const text = typeof rawBody === "string" ? rawBody : Buffer.from(rawBody).toString("utf8");
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES)
    throw new SendgridEventsError([`body exceeds ${MAX_BODY_BYTES} bytes`]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SendgridEventsError(["body is not JSON"]);
  }
  if (!Array.isArray(json)) throw new SendgridEventsError(["body is not a JSON array of events"]);
  if (json.length > MAX_EVENTS) throw new SendgridEventsError([`more than ${MAX_EVENTS} events`]);

  const issues: string[] = [];
  const events: NormalizedMailEvent[] = [];
  json.forEach((item: unknown, index) => {
    const parsed = eventSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        issues.push(`event ${index}: ${issue.path.join(".") || "(event)"}: ${issue.message}`);
      return;
    }
    const raw = parsed.data;
    const kind = KINDS[raw.event];
    if (!kind) return;
    if (kind === "click" && !raw.url) {
      issues.push(`event ${index}: url: a click event needs a url`);
      return;
    }
    const event: NormalizedMailEvent = {
      eventId: raw.sg_event_id,
      messageId: raw[CUSTOM_ARG.messageId] || null,
      shopId: raw[CUSTOM_ARG.shopId] || null,
      kind,
      email: raw.email,
      at: new Date(raw.timestamp * 1000),
    };
    if (kind === "click") event.url = raw.url;
    const reason = raw.reason ?? raw.response;
    if ((kind === "bounce" || kind === "dropped" || kind === "deferred") && reason) event.reason = reason;
    if (kind === "bounce" && (raw.type === "bounce" || raw.type === "blocked")) event.bounceType = raw.type;
    events.push(event);
  });
  if (issues.length > 0) throw new SendgridEventsError(issues);
  return events;
}
