import type { Db } from "~/db.server";
import { isForeignKeyViolation, isTransientDbError } from "~/lib/db-errors";
import { parseJsonLossless } from "~/lib/json";
import { log } from "~/lib/log.server";
import { readBodyAtMost } from "~/lib/request-body.server";
import type { InboxStore } from "./inbox-store.server";
import { complianceMismatch, isComplianceTopic } from "./normalize/compliance";
import { getTopic, resolveTopic } from "./topics";
import {
  isEventsWebhook,
  verifyShopifyWebhook,
  type HeaderLookup,
  type VerifiedWebhook,
} from "./verify-webhook.server";

export type { VerifiedWebhook } from "./verify-webhook.server";

/** Larger than any real order payload; anything beyond is refused before it is read. */
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

/** `authenticate.webhook` from shopify.server, or any verifier with the same contract. */
export type WebhookVerifier = (request: Request) => Promise<VerifiedWebhook>;

// Shops rarely change; during a storm every webhook would otherwise read the same row.
const shopCache = new Map<string, { value: { id: string; uninstalledAt: Date | null } | null; expires: number }>();
async function shopLookup(db: Db, domain: string) {
  const hit = shopCache.get(domain);
  if (hit && hit.expires > Date.now()) return hit.value;
  const value = await db.shop.findUnique({ where: { domain }, select: { id: true, uninstalledAt: true } });
  if (shopCache.size > 10_000) shopCache.clear();
  // an unknown shop is not cached, so a shop registered a moment ago is accepted at once
  if (value) shopCache.set(domain, { value, expires: Date.now() + 2_000 });
  return value;
}

/** An answer, as plain data: the production server writes it to the socket itself. */
export interface WebhookAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const answer = (
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): WebhookAnswer => ({
  status,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json", ...headers },
});
// the answers of a healthy storm, rendered once
const STORED: WebhookAnswer = answer(200, { stored: true });
const DUPLICATE: WebhookAnswer = answer(200, { duplicate: true });

/** A webhook as it arrived: method, headers, and the whole body (at most MAX_WEBHOOK_BYTES). */
export interface RawWebhook {
  method: string;
  header: HeaderLookup;
  body: Buffer;
  /** for the library's verifier, used only for Shopify's "events" kind of webhook */
  url: string;
}

/**
 * The webhook endpoint's whole behaviour: bound the size (413), verify the HMAC (401), require
 * JSON (400), then store it once in the inbox (duplicates → 200) and ack. Validating the payload
 * against its topic's schema and applying it happen after the 200, in the inbox worker: a
 * signed payload that does not fit its schema is recorded as "rejected" with the reason and
 * logged (docs/decisions/0004). Only a signed request can get this far, so that is Shopify
 * itself or a bug, never an attacker.
 */
export interface ReceiveWebhookDeps {
  db: Db;
  inbox: InboxStore;
  /** the app's API secret: the HMAC key */
  secret: string;
  /** the library's verifier, for Shopify's "events" webhooks (`Shopify-Hmac-Sha256`) only */
  verify: WebhookVerifier;
  /** wakes the inbox worker */
  onStored?: () => void;
}

/** The Remix route's way in: the body is read here, bounded. */
export async function receiveWebhook(request: Request, deps: ReceiveWebhookDeps): Promise<Response> {
  const body = await readBodyAtMost(request, MAX_WEBHOOK_BYTES);
  const result = body.ok
    ? await ackWebhook(
        {
          method: request.method,
          header: (name) => request.headers.get(name) ?? undefined,
          body: body.bytes,
          url: request.url,
        },
        deps,
      )
    : answer(413, { error: "payload too large" }, body.headers);
  return new Response(result.body, { status: result.status, headers: result.headers });
}

/** The library's verifier on a Request rebuilt from the bytes (the rare "events" webhooks). */
async function verifyWithLibrary(input: RawWebhook, verify: WebhookVerifier): Promise<VerifiedWebhook | WebhookAnswer> {
  const headers = new Headers();
  for (const name of [
    "content-type",
    "shopify-hmac-sha256",
    "shopify-topic",
    "shopify-shop-domain",
    "shopify-api-version",
    "shopify-webhook-id",
    "shopify-event-id",
    "shopify-handle",
    "shopify-action",
    "shopify-resource-id",
    "shopify-triggered-at",
  ]) {
    const value = input.header(name);
    if (value !== undefined) headers.set(name, value);
  }
  try {
    return await verify(new Request(input.url, { method: input.method, headers, body: new Uint8Array(input.body) }));
  } catch (thrown) {
    if (thrown instanceof Response) {
      log("warn", "webhook rejected", { status: thrown.status });
      return { status: thrown.status, body: "", headers: {} };
    }
    // A correctly signed body that is not JSON: the library's JSON.parse throws.
    log("warn", "webhook body is not JSON");
    return answer(400, { error: "body is not JSON" });
  }
}

/** Everything after the body is read: the same for the Remix route and the production fast path. */
export async function ackWebhook(input: RawWebhook, deps: ReceiveWebhookDeps): Promise<WebhookAnswer> {
  // The library answers 400 to a missing signature header; an unsigned request is unauthorised.
  if (!input.header("x-shopify-hmac-sha256")) return answer(401, { error: "missing signature" });
  if (input.method !== "POST") return { status: 405, body: "", headers: {} };

  let verified: VerifiedWebhook;
  /** the body as text, as the library decodes it */
  let text: string;
  /** the body as stored: the bytes as they arrived, as UTF-8 text */
  let stored: string;
  if (isEventsWebhook(input.header)) {
    const checked = await verifyWithLibrary(input, deps.verify);
    if ("status" in checked) return checked;
    verified = checked;
    text = new TextDecoder().decode(input.body);
    stored = input.body.toString("utf8");
  } else {
    const checked = verifyShopifyWebhook(input.header, input.body, deps.secret);
    if (!checked.ok) {
      log("warn", "webhook rejected", { status: checked.status });
      return { status: checked.status, body: "", headers: {} };
    }
    verified = checked.webhook;
    text = checked.text;
    stored = checked.textIsBytes ? text : input.body.toString("utf8");
  }

  const topic = resolveTopic(verified.topic);
  const meta = { webhookId: verified.webhookId, topic: verified.topic, shop: verified.shop };
  // Compliance topics erase data, and the topic header is not signed: check the body is that
  // topic's payload for this shop before anything is stored (docs/security.md). That needs the
  // lossless parse (ids above 2^53); every other body only has to be JSON, and JSON.parse is the
  // cheapest check of that (the library did the same).
  let body: unknown;
  try {
    body = topic && isComplianceTopic(topic) ? parseJsonLossless(text) : JSON.parse(text);
  } catch {
    log("warn", "webhook body is not JSON");
    return answer(400, { error: "body is not JSON" });
  }
  if (!topic) {
    log("warn", "webhook for a topic Joren does not handle: ignored", meta);
    return answer(200, { ignored: "topic not handled" });
  }
  const mismatch = complianceMismatch(topic, verified.shop, body);
  if (mismatch) {
    log("warn", "compliance webhook refused: the body does not fit its topic and shop", { ...meta, reason: mismatch });
    return answer(400, { error: mismatch });
  }

  try {
    const shop = await shopLookup(deps.db, verified.shop);
    if (!shop) {
      log("warn", "webhook for a shop that is not installed", meta);
      return answer(404, { error: "shop not installed" });
    }
    if (shop.uninstalledAt && !getTopic(topic).whenUninstalled) {
      return answer(200, { ignored: "shop uninstalled" });
    }
    const inserted = await deps.inbox.insert({
      shopId: shop.id,
      webhookId: verified.webhookId,
      topic,
      apiVersion: verified.apiVersion,
      triggeredAt:
        verified.triggeredAt && !Number.isNaN(Date.parse(verified.triggeredAt)) ? new Date(verified.triggeredAt) : null,
      // as the bytes arrived (the HMAC covers them); the worker parses it
      body: stored,
    });
    if (inserted === 0) return DUPLICATE;
  } catch (error) {
    if (isForeignKeyViolation(error)) {
      shopCache.delete(verified.shop);
      return answer(404, { error: "shop not installed" });
    }
    if (isTransientDbError(error)) {
      log("warn", "webhook not stored: database busy; Shopify will retry", meta);
      return answer(503, { error: "busy, retry" }, { "retry-after": "5" });
    }
    throw error;
  }
  deps.onStored?.();
  return STORED;
}
