import type { Db } from "~/db.server";
import { isForeignKeyViolation, isTransientDbError } from "~/lib/db-errors";
import { parseJsonLossless } from "~/lib/json";
import { log } from "~/lib/log.server";
import { readBodyAtMost } from "~/lib/request-body.server";
import type { InboxStore } from "./inbox-store.server";
import { complianceMismatch } from "./normalize/compliance";
import { getTopic, resolveTopic } from "./topics";

/** Larger than any real order payload; anything beyond is refused before it is read. */
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

export interface VerifiedWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt?: string;
}

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

const json = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

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
  verify: WebhookVerifier;
  /** wakes the inbox worker */
  onStored?: () => void;
}

export async function receiveWebhook(request: Request, deps: ReceiveWebhookDeps): Promise<Response> {
  // a clone: authenticate.webhook reads the body again to verify it
  const body = await readBodyAtMost(request.clone(), MAX_WEBHOOK_BYTES);
  if (!body.ok) return json(413, { error: "payload too large" }, body.headers);
  const raw = body.bytes.toString("utf8");

  // The library answers 400 to a missing signature header; an unsigned request is unauthorised.
  if (!request.headers.get("x-shopify-hmac-sha256")) return json(401, { error: "missing signature" });

  let verified: VerifiedWebhook;
  try {
    verified = await deps.verify(request);
  } catch (thrown) {
    if (thrown instanceof Response) {
      log("warn", "webhook rejected", { status: thrown.status });
      return thrown;
    }
    // A correctly signed body that is not JSON: the library's JSON.parse throws.
    log("warn", "webhook body is not JSON");
    return json(400, { error: "body is not JSON" });
  }

  const topic = resolveTopic(verified.topic);
  const meta = { webhookId: verified.webhookId, topic: verified.topic, shop: verified.shop };
  if (!topic) {
    log("warn", "webhook for a topic Joren does not handle: ignored", meta);
    return json(200, { ignored: "topic not handled" });
  }

  // Compliance topics erase data, and the topic header is not signed: check the body is that
  // topic's payload for this shop before anything is stored (docs/security.md).
  const mismatch = complianceMismatch(topic, verified.shop, parseJsonLossless(raw));
  if (mismatch) {
    log("warn", "compliance webhook refused: the body does not fit its topic and shop", { ...meta, reason: mismatch });
    return json(400, { error: mismatch });
  }

  try {
    const shop = await shopLookup(deps.db, verified.shop);
    if (!shop) {
      log("warn", "webhook for a shop that is not installed", meta);
      return json(404, { error: "shop not installed" });
    }
    if (shop.uninstalledAt && !getTopic(topic).whenUninstalled) {
      return json(200, { ignored: "shop uninstalled" });
    }
    const inserted = await deps.inbox.insert({
      shopId: shop.id,
      webhookId: verified.webhookId,
      topic,
      apiVersion: verified.apiVersion,
      triggeredAt:
        verified.triggeredAt && !Number.isNaN(Date.parse(verified.triggeredAt)) ? new Date(verified.triggeredAt) : null,
      body: raw,
    });
    if (inserted === 0) return json(200, { duplicate: true });
  } catch (error) {
    if (isForeignKeyViolation(error)) {
      shopCache.delete(verified.shop);
      return json(404, { error: "shop not installed" });
    }
    if (isTransientDbError(error)) {
      log("warn", "webhook not stored: database busy; Shopify will retry", meta);
      return json(503, { error: "busy, retry" }, { "retry-after": "5" });
    }
    throw error;
  }
  deps.onStored?.();
  return json(200, { stored: true });
}
