// Every webhook subscription in shopify.app.toml is delivered here (the topic is in the header).
// server.mjs short-cuts POST /webhooks to the same handler without the Remix router.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhookRequest } from "~/modules/jobs/endpoints/webhook-endpoint.server";

export const action = ({ request }: ActionFunctionArgs) => handleWebhookRequest(request);

export const loader = () => new Response("webhooks are POSTed here", { status: 405 });
