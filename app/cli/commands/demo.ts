import { getDb, DEFAULT_DATABASE_URL } from "~/db.server";
import { shopifyWebhookHeaders } from "~/lib/webhook-signing";
import { sampleStore } from "~/modules/demo/sample-store";
import { waitForInboxDrained } from "~/modules/ingest/wait-for-inbox.server";
import { registerLocalShop } from "~/modules/shops/install-shop.server";
import { getMirrorSummary } from "~/modules/shops/mirror-summary.server";
import { localAppSecret, startLocalServer } from "../local-server";
import { info, printJson } from "../output";
import type { Command } from "./index";

export const DEMO_SHOP = "joren-demo.myshopify.com";

function progress(done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r  [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} webhooks`);
  if (done === total) process.stderr.write("\n");
}

export const demoCommand: Command = {
  usage: "demo [--port 3000] [--customers 30] [--json] [--exit]",
  summary: "start the app on the embedded database with a local demo shop fed through signed webhooks",
  help: "Feeds a seeded sample store through POST /webhooks exactly as Shopify would, prints what the\nmirror holds, then keeps serving until Ctrl-C (or exits with --exit).",
  options: { port: { type: "string" }, customers: { type: "string" }, json: { type: "boolean" }, exit: { type: "boolean" } },
  async run(values) {
    const port = Number(values.port ?? process.env.PORT ?? 3000);
    const secret = localAppSecret();
    const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
    const db = await getDb();
    await registerLocalShop({ db, domain: DEMO_SHOP });
    info(`starting Joren on http://127.0.0.1:${port} (database ${databaseUrl})`);
    const server = await startLocalServer({ port, databaseUrl, secret });
    const hooks = sampleStore({ customers: Number(values.customers ?? 30) });
    info(`feeding ${hooks.length} signed webhooks for ${DEMO_SHOP}…`);
    let sent = 0;
    const failures: string[] = [];
    for (const hook of hooks) {
      const response = await fetch(`${server.url}/webhooks`, {
        method: "POST",
        headers: shopifyWebhookHeaders({ secret, body: hook.body, topic: hook.topic, shop: DEMO_SHOP }),
        body: hook.body,
      });
      if (!response.ok) failures.push(`${hook.topic} → ${response.status}`);
      progress(++sent, hooks.length);
    }
    await waitForInboxDrained(db, 60_000);
    const summary = { ...(await getMirrorSummary(db, DEMO_SHOP)), webhooksSent: sent, webhooksRefused: failures };
    if (values.json) printJson(summary);
    else {
      info(`\nThe mirror for ${DEMO_SHOP} now holds ${summary.customers} customers, ${summary.orders} orders, ${summary.products} products.`);
      info(`\nFeed it more, signed with the local secret in .tmp/local-app-secret:`);
      info(`  SHOPIFY_API_SECRET=$(cat .tmp/local-app-secret) npm run joren -- webhook:send --shop ${DEMO_SHOP} --topic orders/create --file <payload.json> --url ${server.url}`);
      info(`  npm run joren -- shops            # what the mirror holds, as JSON`);
      info(`\n(The scenario engine, admin pages and reports arrive with their own issues; this demo shows ingestion.)`);
    }
    if (values.exit) {
      await server.stop();
      return failures.length === 0 ? 0 : 1;
    }
    info("\nServing until Ctrl-C.");
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await server.stop();
    return 0;
  },
};
