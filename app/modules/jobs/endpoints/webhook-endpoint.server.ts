// POST /webhooks, wired once: the Remix route and the production server's fast path both call
// this, so there is one behaviour whichever way a request arrives.
import { getDb } from "~/db.server";
import { getInboxWorker } from "~/modules/jobs/boot.server";
import { authenticate } from "~/shopify.server";
import { getInboxStore } from "../../ingest/inbox-store.server";
import { receiveWebhook } from "../../ingest/receive-webhook.server";

export async function handleWebhookRequest(request: Request): Promise<Response> {
  const [db, worker, inbox] = await Promise.all([getDb(), getInboxWorker(), getInboxStore()]);
  // While webhooks are being acked the inbox worker holds back (jobs/writer-priority.ts).
  return worker.priority.run(() =>
    receiveWebhook(request, { db, inbox, verify: authenticate.webhook, onStored: worker.notify }),
  );
}
