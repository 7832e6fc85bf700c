import { readFileSync } from "node:fs";
import { shopifyWebhookHeaders } from "~/lib/webhook-signing";
import { info, printJson, requireString } from "../output";
import type { Command } from "./index";

export const webhookSendCommand: Command = {
  usage: "webhook:send --shop <domain> --topic <topic> --file <payload.json> [--url http://localhost:3000]",
  summary: "sign a payload with SHOPIFY_API_SECRET and POST it to /webhooks, as Shopify does",
  options: { shop: { type: "string" }, topic: { type: "string" }, file: { type: "string" }, url: { type: "string" } },
  async run(values) {
    const shop = requireString(values, "shop", "the shop domain the webhook is for");
    const topic = requireString(values, "topic", "e.g. orders/create");
    const file = requireString(values, "file", "a JSON payload file");
    const secret = process.env.SHOPIFY_API_SECRET;
    if (!secret) throw new Error("set SHOPIFY_API_SECRET to the secret the server verifies with");
    const body = readFileSync(file, "utf8");
    const base = (values.url as string | undefined) ?? `http://localhost:${process.env.PORT ?? 3000}`;
    const response = await fetch(`${base}/webhooks`, {
      method: "POST",
      headers: shopifyWebhookHeaders({ secret, body, topic, shop }),
      body,
    });
    info(`POST ${base}/webhooks ${topic} → ${response.status}`);
    printJson({ status: response.status, body: await response.text() });
    return response.ok ? 0 : 1;
  },
};
