// Shopify's webhook check, done once on the raw bytes with node:crypto. It answers exactly as
// `api.webhooks.validate` in @shopify/shopify-api 13 (what `authenticate.webhook` calls) does for
// an `X-Shopify-*` webhook — same headers required, same HMAC input, same comparison — without
// the library's per-request costs: a Web Request, the canonicalisation of every header name on
// every header read (a regex per header, ≈ 15 % of an ack), a WebCrypto key import and an async
// job per signature (docs/decisions/0029-lean-webhook-ack.md). The equivalence is tested against
// the library itself (tests/unit/verify-webhook.test.ts).
import { isUtf8 } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";

/** What the library hands back for a valid webhook (the fields the ack uses). */
export interface VerifiedWebhook {
  shop: string;
  /** as the library gives it: upper case, `/` and `.` replaced by `_` (ORDERS_CREATE) */
  topic: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt?: string;
}

export type WebhookCheck =
  | { ok: true; webhook: VerifiedWebhook; text: string; textIsBytes: boolean }
  | { ok: false; status: 400 | 401; reason: "missing_body" | "missing_hmac" | "invalid_hmac" | "missing_headers" };

/** A header by its lower-case name; repeated headers joined with ", " (Node's and fetch's rule). */
export type HeaderLookup = (lowerCaseName: string) => string | undefined;

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
const decoder = new TextDecoder();

/**
 * The body as the library sees it: `request.text()` decodes UTF-8, strips a leading BOM and
 * replaces invalid sequences, and the library signs that text re-encoded. For a valid UTF-8 body
 * without a BOM (every real webhook) text and bytes are the same, and the bytes are signed as
 * they are; any other body is decoded the library's way first, so it is refused or accepted
 * exactly as there.
 */
export function bodyAsLibrarySeesIt(bytes: Buffer): { text: string; signed: Buffer; textIsBytes: boolean } {
  const bom = bytes.length >= 3 && bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
  if (!bom && isUtf8(bytes)) return { text: bytes.toString("utf8"), signed: bytes, textIsBytes: true };
  const text = decoder.decode(bytes);
  return { text, signed: Buffer.from(text, "utf8"), textIsBytes: false };
}

/** The library's `topicForStorage`. */
export const topicForStorage = (topic: string) => topic.toUpperCase().replace(/\/|\./g, "_");

/**
 * Checks an `X-Shopify-*` webhook (not the `Shopify-*` "events" kind: see `isEventsWebhook`).
 * Missing body 400, missing or wrong signature 401, a required header missing 400 — in the
 * library's order. An empty header counts as missing, as there.
 */
export function verifyShopifyWebhook(header: HeaderLookup, bytes: Buffer, secret: string): WebhookCheck {
  const { text, signed, textIsBytes } = bodyAsLibrarySeesIt(bytes);
  if (text.length === 0) return { ok: false, status: 400, reason: "missing_body" };
  const hmac = header("x-shopify-hmac-sha256");
  if (!hmac) return { ok: false, status: 401, reason: "missing_hmac" };
  const expected = createHmac("sha256", secret).update(signed).digest("base64");
  // the library compares the two strings; both sides are compared in full, in constant time
  const valid =
    hmac.length === expected.length && timingSafeEqual(Buffer.from(hmac, "latin1"), Buffer.from(expected, "latin1"));
  if (!valid) return { ok: false, status: 401, reason: "invalid_hmac" };
  const topic = header("x-shopify-topic");
  const shop = header("x-shopify-shop-domain");
  const apiVersion = header("x-shopify-api-version");
  const webhookId = header("x-shopify-webhook-id");
  if (!topic || !shop || !apiVersion || !webhookId) return { ok: false, status: 400, reason: "missing_headers" };
  const triggeredAt = header("x-shopify-triggered-at");
  return {
    ok: true,
    text,
    textIsBytes,
    webhook: { shop, topic: topicForStorage(topic), webhookId, apiVersion, ...(triggeredAt ? { triggeredAt } : {}) },
  };
}

/** The library treats a request carrying `Shopify-Hmac-Sha256` as an "events" webhook. */
export const isEventsWebhook = (header: HeaderLookup) => Boolean(header("shopify-hmac-sha256"));
