// Every webhook subscription in shopify.app.toml is delivered here (the topic is in the header).
import type { ActionFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { getInboxWorker } from "~/modules/jobs/boot.server";
import { receiveWebhook } from "~/modules/ingest/receive-webhook.server";
import { authenticate } from "~/shopify.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const [db, inbox] = await Promise.all([getDb(), getInboxWorker()]);
  return receiveWebhook(request, { db, verify: authenticate.webhook, onStored: inbox.notify });
};

export const loader = () => new Response("webhooks are POSTed here", { status: 405 });
