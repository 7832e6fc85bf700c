// The offline demo's run: a local shop on the real server, fed a synthetic store through the real
// HTTP endpoints (Shopify-signed webhooks, Web Pixel events, app-proxy forms signed like Shopify's
// app proxy), then the engine over a fast-forwarded live period, then a summary from the ledger,
// the guard counters and the reports. Nothing here writes the mirror: only the merchant's own
// configuration (sender identity, scenario switches) is set directly, as the admin would.
import { createHmac, randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { shopifyWebhookHeaders } from "~/lib/webhook-signing";
import {
  consentAt,
  customerProfile,
  keyedRandom,
  responseOrder,
  syntheticCustomerNumber,
  syntheticStore,
  type StoreEvent,
  type SyntheticStoreOptions,
} from "~/modules/platform/demo/synthetic-store";
import { engineDepsForShop } from "~/modules/engine/engine-deps.server";
import { runTick } from "~/modules/engine/tick.server";
import { guardCounters, type GuardCounters } from "~/modules/mirror/guard/guard-counters.server";
import { waitForInboxDrained } from "~/modules/ingest/wait-for-inbox.server";
import { waitForPixelEvents } from "~/modules/ingest/pixel/wait-for-pixel.server";
import { DEMO_TIME_HEADER } from "~/modules/tracking/demo-clock.server";
import { refreshRecommendationModelIfStale } from "~/modules/engine/recommendations/recompute-model.server";
import { getAllReports, resolveReportRange } from "~/modules/reports";
import { setScenarioConfig } from "~/modules/engine/scenarios/scenario-config.server";
import { SCENARIO_KEYS } from "~/modules/platform/settings/scenario-keys";
import { adminPortForShop } from "~/modules/platform/shopify/admin-port-for-shop.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { onboardShop } from "~/modules/admin/shops/onboard-shop.server";
import { assignShopSettings } from "~/modules/platform/settings/shop-settings.server";
import { firstPiece, itemAt } from "~/lib/arrays";

const DAY = 86_400_000;
const MINUTE = 60_000;
/** The pixel endpoint takes events at most 30 days old; a little margin for the run's own duration. */
const PIXEL_MAX_AGE_MS = 29 * DAY;

export const DEMO_SENDER = [
  "senderName=Joren Demo 茶舗",
  "senderEmail=shop@joren-demo.example",
  "senderAddress=東京都渋谷区神南1-2-3 (1-2-3 Jinnan, Shibuya, Tokyo)",
  "senderContact=support@joren-demo.example",
  "timezone=Asia/Tokyo",
];

/**
 * Beyond the defaults: cart recovery offers 10% off a first order with a second reminder, as many
 * shops do — so the guard has work (customers who already buy get the loyalty variant instead).
 */
const DEMO_TUNING: Partial<Record<string, string[]>> = {
  cart_abandonment: [
    "incentive.audience=first_purchase",
    "incentive.kind=percent",
    "incentive.value=10",
    "secondReminder.enabled=true",
  ],
  welcome: ["reminder.enabled=true"],
};

/** How often a recipient orders within two days because of the email, by scenario (the rest: 8%). */
/** of the recipients who do not buy: who open (loading the pixel), and of those who click */
const OPEN_RATE = 0.4;
const CLICK_RATE = 0.15;
/** of the recipients who buy: who click through (the rest open and come back on their own) */
const RESPONDER_CLICK_RATE = 0.7;

interface MailAction {
  kind: "open" | "click";
  /** the signed URL as it stands in the rendered email */
  url: string;
  at: number;
}

/** The open pixel and the first tracked link of a rendered email (the local outbox's HTML); none for mail sent elsewhere. */
function trackingLinks(html: string | undefined): { open?: string; click?: string } {
  if (!html) return {};
  const find = (path: string) => new RegExp(`https?://[^"'\\s<>]+${path}\\?t=[^"'\\s<>&]+`).exec(html)?.[0];
  return { open: find("/email/open"), click: find("/email/click") };
}

const RESPONSE_RATE: Record<string, number> = {
  cart_abandonment: 0.2,
  back_in_stock: 0.25,
  browse_abandonment: 0.12,
  replenishment: 0.15,
  birthday: 0.12,
};

export interface DemoRunOptions {
  db: Db;
  shop: string;
  /** where the app answers (the demo's own address for links and forms) */
  appUrl: string;
  /** the address a person uses (links in emails); default appUrl */
  publicUrl?: string;
  secret: string;
  seed: number;
  customers: number;
  /** the live period the engine runs over, in days */
  days: number;
  /** history before the live period, in days */
  historyDays: number;
  /** simulated minutes between ticks */
  tickMinutes: number;
  /** the end of the timeline (default: now, so the admin's "last 30 days" shows the demo) */
  end?: Date;
  /**
   * The app's clock, as the server was started with (JOREN_TEST_CLOCK; the wall clock by default):
   * the install's time and the pixel's 30-day window are read on it.
   */
  now?: () => Date;
  /** progress on stderr */
  progress?: (line: string, done: boolean) => void;
}

type Counts = Record<string, number>;
const bump = (counts: Counts, key: string, n = 1) => (counts[key] = (counts[key] ?? 0) + n);

export interface DemoSummary {
  shop: string;
  seed: number;
  customers: number;
  timeline: { from: string; liveFrom: string; to: string; days: number; historyDays: number; ticks: number };
  transport: string;
  fed: {
    webhooks: Counts;
    webhooksRefused: Counts;
    ordersSent: number;
    pixelEvents: number;
    pixelRefused: Counts;
    /** pixel events older than the endpoint's 30-day window: not sent (the pixel would never send them) */
    pixelTooOld: number;
    proxyForms: Record<string, Counts>;
    /** the simulated mail client's open-pixel loads and link clicks, through /email/open and /email/click */
    mailOpens: number;
    mailClicks: number;
    mailRefused: Counts;
  };
  /** the inbox's receipts by status: everything sent should be done (or skipped as older) */
  inbox: Counts;
  mirror: {
    customers: number;
    orders: number;
    countedOrders: number;
    checkouts: number;
    products: number;
    behaviourEvents: number;
  };
  messages: { total: number; byStatus: Counts; byScenario: Record<string, Counts>; skippedReasons: Counts };
  guard: GuardCounters;
  /** sent emails to someone who had not consented at that moment (by the generator's truth): must be 0 */
  sentWithoutConsent: number;
  reports: {
    from: string;
    to: string;
    orders: number;
    customers: number;
    netRevenue: number;
    averageOrderValue: number;
    averageLtv: number;
    repeatRate: number;
    f2Rate: number;
    paretoTop20Share: number;
    scenarios: {
      key: string;
      planned: number;
      sent: number;
      heldOut: number;
      opened: number;
      clicked: number;
      attributedOrders: number;
      attributedRevenue: number;
      liftEnoughData: boolean;
      sentRows: number;
      heldOutRows: number;
      conversionLift: number | null;
      conversionLiftLow: number | null;
      conversionLiftHigh: number | null;
      incrementalRevenue: number | null;
    }[];
  };
}

/** Shopify's app proxy signature: hex HMAC-SHA256 of the sorted "key=value" pairs, concatenated. */
function appProxyQuery(secret: string, params: Record<string, string>): string {
  const message = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("");
  const signature = createHmac("sha256", secret).update(message).digest("hex");
  return new URLSearchParams({ ...params, signature }).toString();
}

/** Resets the demo shop through Shopify's own path (shop/redact deletes everything of the shop), then registers it again. */
async function freshDemoShop(db: Db, appUrl: string, secret: string, shop: string): Promise<string> {
  const existing = await db.shop.findUnique({ where: { domain: shop }, select: { id: true, isLocal: true } });
  if (existing && !existing.isLocal)
    throw new Error(`${shop} is a shop installed from Shopify: the demo only uses a local shop`);
  if (existing) {
    // as Shopify does it: app/uninstalled first, then shop/redact (honoured only for an uninstalled shop)
    for (const [topic, body] of [
      ["app/uninstalled", JSON.stringify({ id: 1, domain: shop })],
      ["shop/redact", JSON.stringify({ shop_id: 1, shop_domain: shop })],
    ] as const) {
      const response = await fetch(`${appUrl}/webhooks`, {
        method: "POST",
        headers: shopifyWebhookHeaders({ secret, body, topic, shop }),
        body,
      });
      if (!response.ok) throw new Error(`resetting the demo shop: ${topic} answered ${response.status}`);
      if (!(await waitForInboxDrained(db, 120_000, 20)))
        throw new Error("resetting the demo shop: the inbox did not drain within 2 minutes");
    }
    for (let i = 0; i < 100 && (await db.shop.count({ where: { domain: shop } })) > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
  }
  return (await registerLocalShop({ db, domain: shop, currency: "JPY", timezone: "Asia/Tokyo", locale: "ja" })).shopId;
}

/** Sends the store's events to the server; pixel and form posts first wait for the webhooks before them to be applied. */
class Feeder {
  readonly fed: DemoSummary["fed"] = {
    webhooks: {},
    webhooksRefused: {},
    ordersSent: 0,
    pixelEvents: 0,
    pixelRefused: {},
    pixelTooOld: 0,
    proxyForms: {},
    mailOpens: 0,
    mailClicks: 0,
    mailRefused: {},
  };
  private inFlight = new Set<Promise<void>>();
  /** events the pixel endpoint accepted: its queue writes them behind the answer */
  private pixelAccepted = 0;
  private pixelUnapplied = false;
  private unapplied = false;

  constructor(
    private readonly db: Db,
    private readonly appUrl: string,
    private readonly secret: string,
    private readonly shop: string,
    private readonly shopId: string,
    private readonly now: () => Date,
    private readonly concurrency = 6,
  ) {}

  async send(event: StoreEvent): Promise<void> {
    if (event.kind === "webhook") {
      while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
      const request = this.postWebhook(event).finally(() => this.inFlight.delete(request));
      this.inFlight.add(request);
      this.unapplied = true;
      return;
    }
    if (event.kind === "pixel" && event.at < this.now().getTime() - PIXEL_MAX_AGE_MS) {
      this.fed.pixelTooOld += 1;
      return;
    }
    await this.settleWebhooks();
    if (event.kind === "pixel") await this.postPixel(event.body);
    else await this.postForm(event);
  }

  /** Every pixel event accepted so far is written by the server's pixel queue. */
  private async settlePixel(): Promise<void> {
    if (!this.pixelUnapplied) return;
    if (!(await waitForPixelEvents(this.db, this.shopId, this.pixelAccepted, 120_000, 10)))
      throw new Error("the server's pixel queue did not drain within 2 minutes");
    this.pixelUnapplied = false;
  }

  /** Every webhook and pixel event sent so far is answered and applied by the server (before a tick). */
  async settle(): Promise<void> {
    await this.settleWebhooks();
    await this.settlePixel();
  }

  private async settleWebhooks(): Promise<void> {
    await Promise.all(this.inFlight);
    if (!this.unapplied) return;
    if (!(await waitForInboxDrained(this.db, 120_000, 20)))
      throw new Error("the server's inbox did not drain within 2 minutes");
    this.unapplied = false;
  }

  private async postWebhook(event: StoreEvent & { kind: "webhook" }): Promise<void> {
    const response = await fetch(`${this.appUrl}/webhooks`, {
      method: "POST",
      headers: shopifyWebhookHeaders({
        secret: this.secret,
        body: event.body,
        topic: event.topic,
        shop: this.shop,
        webhookId: randomUUID(),
        triggeredAt: new Date(event.at),
      }),
      body: event.body,
    });
    await response.arrayBuffer();
    if (response.ok) {
      bump(this.fed.webhooks, event.topic);
      if (event.order) this.fed.ordersSent += 1;
    } else bump(this.fed.webhooksRefused, `${event.topic} ${response.status}`);
  }

  /**
   * What a mail client does: loads the open pixel or follows a link of the email as rendered
   * (its signed URLs, pointed at this server), saying when (the demo clock; the server honours
   * it only when started with JOREN_DEMO_CLOCK=1).
   */
  async mailAction(action: MailAction): Promise<void> {
    const url = new URL(action.url);
    const response = await fetch(`${this.appUrl}${url.pathname}${url.search}`, {
      redirect: "manual",
      headers: { [DEMO_TIME_HEADER]: new Date(action.at).toISOString() },
    });
    await response.arrayBuffer();
    const ok = action.kind === "open" ? response.status === 200 : response.status === 302;
    if (!ok) bump(this.fed.mailRefused, `${action.kind} ${response.status}`);
    else if (action.kind === "open") this.fed.mailOpens += 1;
    else this.fed.mailClicks += 1;
  }

  private async postPixel(body: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${this.appUrl}/pixel/events`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body,
      });
      const answer = await response.text();
      if (response.status === 429 && attempt < 5) {
        // the endpoint's rate limit: wait as told, as a browser's next page view would
        await new Promise((r) => setTimeout(r, Number(response.headers.get("retry-after") ?? 1) * 1000));
        continue;
      }
      if (response.ok) {
        this.fed.pixelEvents += 1;
        this.pixelAccepted += (JSON.parse(answer) as { accepted: number }).accepted;
        this.pixelUnapplied = true;
      } else bump(this.fed.pixelRefused, String(response.status));
      return;
    }
  }

  private async postForm(event: StoreEvent & { kind: "proxy" }): Promise<void> {
    const query = appProxyQuery(this.secret, {
      shop: this.shop,
      logged_in_customer_id: event.loggedInCustomerId,
      path_prefix: "/apps/joren",
      // Shopify's library checks this against the real clock (a replay window), whatever the app's clock says
      timestamp: String(Math.floor(Date.now() / 1000)),
    });
    const response = await fetch(`${this.appUrl}${event.path}?${query}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(event.fields),
    });
    let outcome = String(response.status);
    try {
      outcome = ((await response.json()) as { outcome?: string }).outcome ?? outcome;
    } catch {
      // not JSON (e.g. the route is missing): the status says enough
    }
    bump((this.fed.proxyForms[event.path] ??= {}), outcome);
  }
}

export async function runDemo(options: DemoRunOptions): Promise<DemoSummary> {
  const { db, shop, appUrl, secret } = options;
  const progress = options.progress ?? (() => {});
  const clock = options.now ?? (() => new Date());
  const end = options.end ?? clock();
  const liveFrom = end.getTime() - options.days * DAY;
  const storeOptions: SyntheticStoreOptions = {
    shop,
    seed: options.seed,
    customers: options.customers,
    end,
    days: options.days + options.historyDays,
  };
  const from = end.getTime() - (options.days + options.historyDays) * DAY;

  const shopId = await freshDemoShop(db, appUrl, secret, shop);
  const configured = await assignShopSettings(db, shopId, DEMO_SENDER);
  if (!configured.ok)
    throw new Error(`demo settings refused: ${configured.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`);
  for (const key of SCENARIO_KEYS) {
    const result = await setScenarioConfig(db, shopId, key, { enabled: true, assignments: DEMO_TUNING[key] ?? [] });
    if (!result.ok) throw new Error(`turning on ${key}: ${result.errors.map((e) => e.message).join("; ")}`);
  }
  // What an install does (here against the local shop's in-process Admin API): the storefront
  // pixel and the guard's checkout discount. No history import: the history arrives as traffic.
  await onboardShop({
    db,
    domain: shop,
    appUrl: options.publicUrl ?? appUrl,
    admin: (await adminPortForShop(db, shop)).admin,
    runImport: false,
    now: clock(),
  });
  // the engine signs links with the server's secret, so the server accepts them
  const deps = await engineDepsForShop(db, shop, {
    ...process.env,
    SHOPIFY_API_SECRET: secret,
    SHOPIFY_APP_URL: options.publicUrl ?? appUrl,
  });

  const feeder = new Feeder(db, appUrl, secret, shop, shopId, clock);
  const events = syntheticStore(storeOptions);
  let pending = events.next();
  // orders placed because of an email, merged into the store's own traffic in time order
  const responses: StoreEvent[] = [];
  const responsesPerCustomer = new Map<number, number>();
  const nextAt = () => Math.min(pending.done ? Infinity : pending.value.at, responses[0]?.at ?? Infinity);
  const takeNext = (): StoreEvent => {
    const firstResponse = responses[0];
    if (firstResponse && (pending.done || firstResponse.at < pending.value.at))
      return responses.shift() ?? firstResponse;
    const event = pending.value as StoreEvent;
    pending = events.next();
    return event;
  };

  // History: everything before the live period, as fast as the server takes it.
  let sent = 0;
  while (!pending.done && pending.value.at < liveFrom) {
    await feeder.send(pending.value);
    pending = events.next();
    if (++sent % 200 === 0)
      progress(
        `history: ${sent} events sent (${new Date(pending.done ? liveFrom : pending.value.at).toISOString().slice(0, 10)})`,
        false,
      );
  }
  await feeder.settle();
  progress(`history: ${sent} events sent`, true);

  // Recipients open and click (through the email's own signed links) and some act on it (a
  // held-out customer never got one): the opens, clicks and lift the reports measure.
  const mailActions: MailAction[] = [];
  const planMail = (action: MailAction) => {
    if (action.at > end.getTime()) return;
    let i = mailActions.length;
    while (i > 0 && itemAt(mailActions, i - 1, "mail action").at > action.at) i--;
    mailActions.splice(i, 0, action);
  };
  const planResponses = async (after: Date, upTo: Date) => {
    const sentNow = await db.message.findMany({
      where: { shopId, status: "sent", sentAt: { gt: after, lte: upTo } },
      select: { id: true, email: true, scenario: true, sentAt: true },
    });
    const rendered = new Map(
      (
        await db.outboxEmail.findMany({
          where: { shopId, messageId: { in: sentNow.map((m) => m.id) } },
          select: { messageId: true, html: true },
        })
      ).map((o) => [o.messageId, o.html]),
    );
    for (const message of sentNow) {
      const n = syntheticCustomerNumber(message.email);
      if (n === null || !message.sentAt) continue;
      const key = `${message.email}|${message.scenario}|${message.sentAt.toISOString()}`;
      const sentAt = message.sentAt.getTime();
      const links = trackingLinks(rendered.get(message.id));
      const responds = keyedRandom(options.seed, key) < (RESPONSE_RATE[message.scenario] ?? 0.08);
      if (!responds) {
        // Most never act; some open, a few of those click, and buy nothing.
        if (links.open && keyedRandom(options.seed, `${key}|open`) < OPEN_RATE) {
          const openAt = sentAt + (0.1 + keyedRandom(options.seed, `${key}|open-delay`) * 24) * 3_600_000;
          planMail({ kind: "open", url: links.open, at: openAt });
          if (links.click && keyedRandom(options.seed, `${key}|click`) < CLICK_RATE)
            planMail({ kind: "click", url: links.click, at: openAt + 5 * 60_000 });
        }
        continue;
      }
      const k = responsesPerCustomer.get(n) ?? 0;
      responsesPerCustomer.set(n, k + 1);
      const at = message.sentAt.getTime() + (1 + keyedRandom(options.seed, `${key}|delay`) * 47) * 3_600_000;
      if (at > end.getTime()) continue;
      const order = responseOrder(storeOptions, n, k, at);
      // A responder opened the email first; most clicked through, some came back on their own.
      if (links.open) planMail({ kind: "open", url: links.open, at: at - 30 * 60_000 });
      if (links.click && keyedRandom(options.seed, `${key}|clicked`) < RESPONDER_CLICK_RATE)
        planMail({ kind: "click", url: links.click, at: at - 15 * 60_000 });
      let i = responses.length;
      while (i > 0 && itemAt(responses, i - 1, "response").at > order.at) i--;
      responses.splice(i, 0, order);
    }
  };

  // Live: each step's traffic, then the engine at the end of the step (as the scheduler would).
  const step = options.tickMinutes * MINUTE;
  const steps = Math.ceil((end.getTime() - liveFrom) / step);
  const width = 30;
  let ticks = 0;
  let sentMail = 0;
  for (let i = 1; i <= steps; i++) {
    const now = Math.min(end.getTime(), liveFrom + i * step);
    while (nextAt() <= now) await feeder.send(takeNext());
    await feeder.settle();
    while ((mailActions[0]?.at ?? Infinity) <= now) await feeder.mailAction(mailActions.shift()!);
    // the scheduler recomputes recommendations once a simulated day
    await refreshRecommendationModelIfStale(db, shopId, new Date(now));
    const tick = await runTick(db, shopId, new Date(now), deps);
    ticks += 1;
    for (const states of Object.values(tick.decided)) sentMail += states.sent ?? 0;
    await planResponses(new Date(now - step), new Date(now));
    const filled = Math.round((i / steps) * width);
    const day = Math.ceil((now - liveFrom) / DAY);
    progress(
      `  [${"#".repeat(filled)}${".".repeat(width - filled)}] day ${day}/${options.days}  ${new Date(now).toISOString().slice(0, 16).replace("T", " ")}Z  emails sent ${sentMail}`,
      i === steps,
    );
  }

  return summarize({ db, shopId, shop, options, storeOptions, feeder, deps, from, liveFrom, end, ticks });
}

async function summarize(input: {
  db: Db;
  shopId: string;
  shop: string;
  options: DemoRunOptions;
  storeOptions: SyntheticStoreOptions;
  feeder: Feeder;
  deps: { transportName: string };
  from: number;
  liveFrom: number;
  end: Date;
  ticks: number;
}): Promise<DemoSummary> {
  const { db, shopId } = input;
  const [receipts, byScenarioStatus, skipped, customers, orders, countedOrders, checkouts, products, behaviourEvents] =
    await Promise.all([
      db.webhookReceipt.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } }),
      db.message.groupBy({ by: ["scenario", "status"], where: { shopId }, _count: { _all: true } }),
      db.message.groupBy({ by: ["reason"], where: { shopId, status: "skipped" }, _count: { _all: true } }),
      db.customer.count({ where: { shopId } }),
      db.order.count({ where: { shopId } }),
      db.order.count({ where: { shopId, counted: true } }),
      db.checkout.count({ where: { shopId } }),
      db.product.count({ where: { shopId } }),
      db.behaviourEvent.count({ where: { shopId } }),
    ]);
  const inbox: Counts = {};
  for (const r of receipts) inbox[r.status] = r._count._all;
  const byStatus: Counts = {};
  const byScenario: Record<string, Counts> = {};
  let total = 0;
  for (const row of byScenarioStatus) {
    bump(byStatus, row.status, row._count._all);
    bump((byScenario[row.scenario] ??= {}), row.status, row._count._all);
    total += row._count._all;
  }
  const skippedReasons: Counts = {};
  // reasons carry details (dates, names): group by their stable head
  for (const row of skipped) bump(skippedReasons, firstPiece(row.reason ?? "unknown", /[(:]/).trim(), row._count._all);

  // Consent by the generator's truth: the address tells which synthetic customer it was.
  let sentWithoutConsent = 0;
  const sent = await db.message.findMany({ where: { shopId, status: "sent" }, select: { email: true, sentAt: true } });
  for (const message of sent) {
    const n = syntheticCustomerNumber(message.email);
    if (n === null || !message.sentAt) continue;
    const profile = customerProfile(input.storeOptions, n);
    if (consentAt(profile, message.sentAt.getTime()).state !== "subscribed") sentWithoutConsent += 1;
  }

  const guard = await guardCounters(db, shopId, {
    from: new Date(input.liveFrom),
    to: new Date(input.end.getTime() + DAY),
  });
  // the whole timeline: from the first order to the (shop-local) day the timeline ends
  const range = await resolveReportRange(db, shopId, { now: input.end });
  const all = await getAllReports(db, shopId, range);
  return {
    shop: input.shop,
    seed: input.options.seed,
    customers: input.options.customers,
    timeline: {
      from: new Date(input.from).toISOString(),
      liveFrom: new Date(input.liveFrom).toISOString(),
      to: input.end.toISOString(),
      days: input.options.days,
      historyDays: input.options.historyDays,
      ticks: input.ticks,
    },
    transport: input.deps.transportName,
    fed: input.feeder.fed,
    inbox,
    mirror: { customers, orders, countedOrders, checkouts, products, behaviourEvents },
    messages: { total, byStatus, byScenario, skippedReasons },
    guard,
    sentWithoutConsent,
    reports: {
      from: all.fromDate,
      to: all.toDate,
      orders: all.summary.orders,
      customers: all.summary.customers,
      netRevenue: all.summary.netRevenue,
      averageOrderValue: all.summary.averageOrderValue,
      averageLtv: all.ltv.average,
      repeatRate: all.summary.repeatRate,
      f2Rate: all.repeat.f2Rate,
      paretoTop20Share: all.pareto.top20Share,
      scenarios: all.scenarios.scenarios.map((s) => ({
        key: s.key,
        planned: s.planned,
        sent: s.sent,
        heldOut: s.heldOut,
        opened: s.opened,
        clicked: s.clicked,
        attributedOrders: s.attributedOrders,
        attributedRevenue: s.attributedRevenue,
        liftEnoughData: s.lift?.enoughData ?? false,
        sentRows: s.lift?.sentRows ?? 0,
        heldOutRows: s.lift?.heldOutRows ?? 0,
        conversionLift: s.lift?.conversionLift ?? null,
        conversionLiftLow: s.lift?.conversionLiftLow ?? null,
        conversionLiftHigh: s.lift?.conversionLiftHigh ?? null,
        incrementalRevenue: s.lift?.incrementalRevenue ?? null,
      })),
    },
  };
}
