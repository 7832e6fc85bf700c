import { readFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { shopifyWebhookHeaders } from "~/lib/webhook-signing";
import { TEST_SECRET } from "./app-server";

// Shopify's published example payloads, copied into the repository (MIT; see its README) so a
// clone with nothing beside it runs every test.
export const FIXTURES = path.resolve(__dirname, "../fixtures/shopify-webhooks");

/** Shopify's example payload for a topic, as raw text (big ids intact). */
export function fixtureBody(topic: string): string {
  const file = path.join(FIXTURES, "2026-04", `${topic.replace(/\//g, "__")}.json`);
  const text = readFileSync(file, "utf8");
  // the fixture wraps the payload: { topic, ..., payload: {...} }; cut the raw payload text out
  const start = text.indexOf('"payload"');
  const body = text.slice(text.indexOf("{", start), text.lastIndexOf("}"));
  return body.trim();
}

export async function postWebhook(
  baseUrl: string,
  input: {
    topic: string;
    shop: string;
    body: string;
    webhookId?: string;
    secret?: string;
    triggeredAt?: Date;
    headers?: Record<string, string>;
  },
): Promise<Response> {
  const headers = shopifyWebhookHeaders({
    secret: input.secret ?? TEST_SECRET,
    body: input.body,
    topic: input.topic,
    shop: input.shop,
    webhookId: input.webhookId ?? randomUUID(),
    triggeredAt: input.triggeredAt,
  });
  return fetch(`${baseUrl}/webhooks`, { method: "POST", headers: { ...headers, ...input.headers }, body: input.body });
}

/** Waits until the server's inbox worker has applied everything it stored. */
export async function waitForInbox(db: Db, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // due work only: a receipt waiting for a retry later is not "busy"
    const busy = await db.webhookReceipt.count({
      where: {
        OR: [
          { status: "processing" },
          { status: "pending", OR: [{ claimedUntil: null }, { claimedUntil: { lte: new Date() } }] },
        ],
      },
    });
    if (busy === 0) return;
    if (Date.now() > deadline) throw new Error(`${busy} webhooks still pending`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
