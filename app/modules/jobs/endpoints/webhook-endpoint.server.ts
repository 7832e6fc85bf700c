// POST /webhooks, wired once: the Remix route and the production server's fast path both call
// this, so there is one behaviour whichever way a request arrives.
import type { IncomingMessage, ServerResponse } from "node:http";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { readNodeBodyAtMost } from "~/lib/request-body.server";
import { getInboxWorker } from "~/modules/jobs/boot.server";
import { authenticate } from "~/shopify.server";
import { getInboxStore } from "../../ingest/inbox-store.server";
import {
  ackWebhook,
  MAX_WEBHOOK_BYTES,
  receiveWebhook,
  type ReceiveWebhookDeps,
  type WebhookAnswer,
} from "../../ingest/receive-webhook.server";

let wired: Promise<{ deps: ReceiveWebhookDeps; run: <T>(write: () => Promise<T>) => Promise<T> }> | undefined;
function wiring() {
  wired ??= (async () => {
    const [db, worker, inbox] = await Promise.all([getDb(), getInboxWorker(), getInboxStore()]);
    return {
      deps: { db, inbox, secret: getEnv().SHOPIFY_API_SECRET, verify: authenticate.webhook, onStored: worker.notify },
      // While webhooks are being acked the inbox worker holds back (jobs/writer-priority.ts).
      run: worker.priority.run,
    };
  })().catch((error: unknown) => {
    wired = undefined;
    throw error;
  });
  return wired;
}

/** The Remix route (app/routes/webhooks.tsx). */
export async function handleWebhookRequest(request: Request): Promise<Response> {
  const { deps, run } = await wiring();
  return run(() => receiveWebhook(request, deps));
}

/**
 * The production server's fast path (server.mjs): the Node request as it is, no Express, no Web
 * Request, the body read once (docs/decisions/0029-lean-webhook-ack.md).
 */
export async function handleWebhookNode(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { deps, run } = await wiring();
  // read before the write is announced: a slow upload must not hold the inbox worker back
  const body = await readNodeBodyAtMost(req, MAX_WEBHOOK_BYTES);
  const headers = req.headers;
  const result: WebhookAnswer = body.ok
    ? await run(() =>
        ackWebhook(
          {
            method: req.method ?? "POST",
            header: (name) => {
              const value = headers[name];
              return Array.isArray(value) ? value.join(", ") : value;
            },
            body: body.bytes,
            url: `http://${headers.host ?? "localhost"}${req.url ?? "/webhooks"}`,
          },
          deps,
        ),
      )
    : {
        status: 413,
        body: JSON.stringify({ error: "payload too large" }),
        headers: { "content-type": "application/json", ...body.headers },
      };
  res.writeHead(result.status, { ...result.headers, "content-length": Buffer.byteLength(result.body) });
  res.end(result.body);
}
