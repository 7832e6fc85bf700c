import type { Db } from "~/db.server";
import { isTransientDbError, isUniqueViolation } from "~/lib/db-errors";
import { parseJsonLossless } from "~/lib/json";
import { log } from "~/lib/log.server";
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

const json = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/**
 * The webhook endpoint's whole behaviour: verify the HMAC (401), bound the size (413), validate
 * the payload for its topic (422), then store it once in the inbox (duplicates → 200) and ack.
 * Nothing here applies the payload: the inbox worker does, after the 200.
 */
export async function receiveWebhook(request: Request, deps: { db: Db; verify: WebhookVerifier; onStored?: () => void }): Promise<Response> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BYTES) return json(413, { error: "payload too large" });
  const raw = await request.clone().text();
  if (Buffer.byteLength(raw) > MAX_WEBHOOK_BYTES) return json(413, { error: "payload too large" });

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

  let payload: unknown;
  try {
    payload = parseJsonLossless(raw);
  } catch {
    log("warn", "webhook body is not JSON", meta);
    return json(400, { error: "body is not JSON" });
  }
  const parsed = getTopic(topic).schema.safeParse(payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    log("warn", "webhook payload rejected", { ...meta, problems });
    return json(422, { error: "payload does not match the topic's schema", problems });
  }

  try {
    const shop = await deps.db.shop.findUnique({ where: { domain: verified.shop }, select: { id: true, uninstalledAt: true } });
    if (!shop) {
      log("warn", "webhook for a shop that is not installed", meta);
      return json(404, { error: "shop not installed" });
    }
    if (shop.uninstalledAt && !getTopic(topic).whenUninstalled) {
      return json(200, { ignored: "shop uninstalled" });
    }
    await deps.db.webhookReceipt.create({
      data: {
        shopId: shop.id,
        webhookId: verified.webhookId,
        topic,
        apiVersion: verified.apiVersion,
        triggeredAt: verified.triggeredAt && !Number.isNaN(Date.parse(verified.triggeredAt)) ? new Date(verified.triggeredAt) : null,
        body: raw,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return json(200, { duplicate: true });
    if (isTransientDbError(error)) {
      log("warn", "webhook not stored: database busy; Shopify will retry", meta);
      return json(503, { error: "busy, retry" }, { "retry-after": "5" });
    }
    throw error;
  }
  deps.onStored?.();
  return json(200, { stored: true });
}
