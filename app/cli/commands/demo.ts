// `demo`: the whole product offline on a synthetic store (what `npm run demo` runs). The work is
// in ../demo-run.ts; this command starts the real server behind the demo's admin gateway, runs
// it, prints the summary and keeps serving the admin until Ctrl-C (or stops with --exit).
import { DEFAULT_DATABASE_URL, getDb } from "~/db.server";
import { startDemoAdminGateway, type DemoAdminGateway } from "../demo-admin-gateway";
import { liftText } from "~/modules/reports/stats";
import { runDemo, type DemoSummary } from "../demo-run";
import { localAppSecret, startLocalServer } from "../local-server";
import { info, printJson } from "../output";
import { freeLoopbackPort } from "../ports";
import type { Command } from "./index";

export const DEMO_SHOP = "joren-demo.myshopify.com";

function whole(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be a whole number from ${min} to ${max} (got "${String(value)}")`);
  return n;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const yen = (x: number) => `¥${Math.round(x).toLocaleString("en-US")}`;

function printSummary(s: DemoSummary, adminUrl: string | null): void {
  const states = ["sent", "held_out", "skipped", "deferred", "planned", "failed", "sending"];
  info("");
  info(
    `Joren demo — ${s.shop}: ${s.customers} customers, ${s.timeline.historyDays} days of history, then ${s.timeline.days} days live (${s.timeline.ticks} engine ticks); mail: ${s.transport}`,
  );
  const hooks = Object.values(s.fed.webhooks).reduce((a, b) => a + b, 0);
  const forms = Object.entries(s.fed.proxyForms)
    .map(([path, outcomes]) => `${path} ${JSON.stringify(outcomes)}`)
    .join(", ");
  info(
    `Fed over HTTP: ${hooks} signed webhooks (${s.fed.ordersSent} orders), ${s.fed.pixelEvents} pixel events, forms: ${forms || "none"}`,
  );
  const refused = Object.keys(s.fed.webhooksRefused).length + Object.keys(s.fed.pixelRefused).length;
  if (refused > 0) info(`  refused: ${JSON.stringify({ ...s.fed.webhooksRefused, ...s.fed.pixelRefused })}`);
  info(
    `Mirror: ${s.mirror.customers} customers, ${s.mirror.orders} orders (${s.mirror.countedOrders} counted), ${s.mirror.checkouts} checkouts, ${s.mirror.behaviourEvents} storefront events; inbox ${JSON.stringify(s.inbox)}`,
  );
  info("");
  info(`Messages by scenario (${s.messages.total} in the ledger):`);
  info(`  ${"scenario".padEnd(20)}${states.map((st) => st.padStart(10)).join("")}`);
  for (const [scenario, counts] of Object.entries(s.messages.byScenario).sort()) {
    info(`  ${scenario.padEnd(20)}${states.map((st) => String(counts[st] ?? 0).padStart(10)).join("")}`);
  }
  const reasons = Object.entries(s.messages.skippedReasons)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6);
  if (reasons.length > 0) info(`  top skip reasons: ${reasons.map(([r, n]) => `${r} (${n})`).join("; ")}`);
  info(
    `Guard: ${s.guard.offersWithheld} first-purchase offers withheld from customers who had ordered, ${s.guard.loyaltyVariantsSent} loyalty variants sent, ${s.guard.firstPurchaseRedemptionsByRepeat} first-purchase redemptions by repeat customers`,
  );
  info(`Consent: ${s.sentWithoutConsent} emails to anyone who had not consented`);
  info(
    `Mail client: ${s.fed.mailOpens} opens and ${s.fed.mailClicks} clicks through the signed /email/open and /email/click links`,
  );
  const r = s.reports;
  info("");
  info(
    `Reports ${r.from} – ${r.to}: ${r.orders} orders, ${r.customers} customers, net revenue ${yen(r.netRevenue)}, AOV ${yen(r.averageOrderValue)}`,
  );
  info(
    `  LTV ${yen(r.averageLtv)} · repeat rate ${pct(r.repeatRate)} · F2 ${pct(r.f2Rate)} · top 20% of customers bring ${pct(r.paretoTop20Share)} of revenue`,
  );
  info(`  Lift per scenario (conversion, sent vs held out, percentage points, 95% interval):`);
  for (const sc of r.scenarios.filter((x) => x.planned > 0)) {
    const lift =
      sc.conversionLift === null
        ? "not measurable yet"
        : liftText({
            enoughData: sc.liftEnoughData,
            sentRows: sc.sentRows,
            heldOutRows: sc.heldOutRows,
            conversionLift: sc.conversionLift,
            conversionLiftLow: sc.conversionLiftLow ?? 0,
            conversionLiftHigh: sc.conversionLiftHigh ?? 0,
          });
    info(
      `    ${sc.key.padEnd(20)} sent ${String(sc.sent).padStart(5)}  held out ${String(sc.heldOut).padStart(4)}  last-touch ${String(sc.attributedOrders).padStart(4)} orders ${yen(sc.attributedRevenue).padStart(10)}  lift ${lift}`,
    );
  }
  if (adminUrl) {
    info("");
    info("Open the admin (dashboard, scenarios, reports, customers, email previews) in a browser:");
    info(`  ${adminUrl}`);
  }
}

export const demoCommand: Command = {
  usage:
    "demo [--port 3000] [--customers 500] [--days 60] [--history-days 365] [--seed 42] [--tick-minutes 120] [--json] [--exit]",
  summary:
    "the whole product offline: a synthetic store fed through the real endpoints, the engine fast-forwarded, a summary, the admin in a browser",
  help: [
    "Starts the app on the embedded database (DATABASE_URL), resets the local shop joren-demo.myshopify.com,",
    "sets its sender identity and turns every scenario on, sends a seeded synthetic store's history as",
    "Shopify-signed webhooks, pixel events and app-proxy forms over HTTP, then runs the engine every",
    "--tick-minutes over the last --days simulated days, feeding each step's live traffic first.",
    "Prints a summary (--json: one JSON document on stdout) and keeps serving the admin on",
    "http://127.0.0.1:<port>/app until Ctrl-C, or stops with --exit. Mail goes to the local outbox",
    "(npm run joren -- outbox --shop joren-demo.myshopify.com --json), or SendGrid when SENDGRID_API_KEY is set.",
  ].join("\n"),
  options: {
    port: { type: "string" },
    customers: { type: "string" },
    days: { type: "string" },
    "history-days": { type: "string" },
    seed: { type: "string" },
    "tick-minutes": { type: "string" },
    json: { type: "boolean" },
    exit: { type: "boolean" },
  },
  async run(values) {
    const port = whole(values.port ?? process.env.PORT, "port", 3000, 1, 65535);
    const customers = whole(values.customers, "customers", 500, 1, 1_000_000);
    const days = whole(values.days, "days", 60, 1, 365);
    const historyDays = whole(values["history-days"], "history-days", 365, 0, 3650);
    const seed = whole(values.seed, "seed", 42, 0, 2 ** 31 - 1);
    const tickMinutes = whole(values["tick-minutes"], "tick-minutes", 120, 5, 24 * 60);
    const secret = localAppSecret();
    const apiKey = process.env.SHOPIFY_API_KEY ?? "joren-local";
    const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
    const db = await getDb();

    // The admin gateway takes the public port (it plays Shopify admin); the app listens behind it.
    const publicUrl = `http://127.0.0.1:${port}`;
    const appPort = await freeLoopbackPort();
    const serverEnv = { SHOPIFY_API_KEY: apiKey, SHOPIFY_APP_URL: publicUrl };
    info(
      `starting Joren (database ${databaseUrl.startsWith("file:") ? databaseUrl : databaseUrl.replace(/\/\/[^@]*@/, "//…@")})`,
    );
    // The demo drives the engine's clock itself: no scheduled ticks at the real time meanwhile.
    let server = await startLocalServer({
      port: appPort,
      databaseUrl,
      secret,
      env: { ...serverEnv, JOREN_DISABLE_SCHEDULER: "1", JOREN_DEMO_CLOCK: "1" },
    });
    let gateway: DemoAdminGateway | undefined;
    const started = Date.now();
    try {
      gateway = await startDemoAdminGateway({ port, target: server.url, shop: DEMO_SHOP, apiKey, secret }).catch(
        (error: Error) => {
          throw new Error(`cannot listen on ${publicUrl} (${error.message}): pick another port with --port`);
        },
      );
      info(
        `feeding ${DEMO_SHOP}: ${customers} customers, ${historyDays} days of history, then ${days} live days with a tick every ${tickMinutes} simulated minutes`,
      );
      const summary = await runDemo({
        db,
        shop: DEMO_SHOP,
        appUrl: server.url,
        publicUrl,
        secret,
        seed,
        customers,
        days,
        historyDays,
        tickMinutes,
        progress: (line, done) => process.stderr.write(`\r${line}${done ? "\n" : ""}`),
      });
      info(`done in ${Math.round((Date.now() - started) / 1000)} s`);
      const adminUrl = gateway.adminUrl();
      if (values.json) printJson({ ...summary, admin: values.exit ? null : { url: adminUrl } });
      printSummary(summary, values.exit ? null : adminUrl);
      if (values.exit)
        return summary.sentWithoutConsent === 0 && Object.keys(summary.fed.webhooksRefused).length === 0 ? 0 : 1;

      // From here the shop lives on in real time: the scheduler ticks it every minute.
      await server.stop();
      server = await startLocalServer({ port: appPort, databaseUrl, secret, env: serverEnv });
      info(
        `\n(${publicUrl}/app always opens the admin of ${DEMO_SHOP}; the link above carries a session token valid for an hour.)`,
      );
      info(`More: npm run joren -- outbox --shop ${DEMO_SHOP} --json · npm run joren -- report --shop ${DEMO_SHOP}`);
      info("Serving until Ctrl-C.");
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      return 0;
    } finally {
      await gateway?.close();
      await server.stop();
    }
  },
};
