// Shopify's webhook signature: base64 HMAC-SHA256 of the raw body with the app's secret.
// Used by the offline demo, the benchmark and the tests to send webhooks exactly as Shopify does.
import { createHmac, randomUUID } from "node:crypto";

export function signWebhookBody(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export function shopifyWebhookHeaders(input: {
  secret: string;
  body: string;
  topic: string;
  shop: string;
  webhookId?: string;
  apiVersion?: string;
  triggeredAt?: Date;
}): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-shopify-topic": input.topic,
    "x-shopify-hmac-sha256": signWebhookBody(input.secret, input.body),
    "x-shopify-shop-domain": input.shop,
    "x-shopify-webhook-id": input.webhookId ?? randomUUID(),
    "x-shopify-event-id": randomUUID(),
    "x-shopify-api-version": input.apiVersion ?? "2026-04",
    "x-shopify-triggered-at": (input.triggeredAt ?? new Date()).toISOString(),
  };
}
