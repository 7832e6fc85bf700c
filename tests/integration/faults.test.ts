// Faults: a tick process killed with SIGKILL mid-dispatch and restarted; SendGrid down for an hour
// of simulated time; the database locked while webhooks arrive. Each ends with nothing sent twice
// and nothing lost. (The history import's crash/resume and Admin API throttling are covered by
// tests/integration/import.test.ts and admin-port.test.ts; docs/reliability.md lists them.)
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { Db } from "~/db.server";
import { recordCheckout } from "~/modules/checkouts/record-checkout.server";
import { upsertCustomer } from "~/modules/customers/upsert-customer.server";
import { runTick } from "~/modules/engine/tick.server";
import { createSendgridTransport } from "~/modules/mail/sendgrid-transport.server";
import { setScenarioConfig } from "~/modules/scenarios/scenario-config.server";
import { createFakeAdminPort } from "~/modules/shopify/fake-admin-port";
import { registerLocalShop } from "~/modules/shops/install-shop.server";
import { assignShopSettings } from "~/modules/shops/shop-settings.server";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { createTestDb, type TestDb } from "../helpers/db";
import { postWebhook, waitForInbox } from "../helpers/webhooks";

const SHOP = "faults-test.myshopify.com";
const T0 = new Date("2026-11-02T01:00:00Z");
const MIN = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

let t: TestDb;
let db: Db;
let shopId: string;

async function setupShop(customers: number) {
  t = await createTestDb();
  db = t.db;
  shopId = (await registerLocalShop({ db, domain: SHOP, currency: "JPY", timezone: "Asia/Tokyo" })).shopId;
  const saved = await assignShopSettings(db, shopId, [
    "senderName=Joren Tea", "senderEmail=shop@joren-tea.example", "senderAddress=1-2-3 Shibuya, Tokyo", "senderContact=support@joren-tea.example", "holdoutPercent=0", "quietHours=off",
  ]);
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  const enabled = await setScenarioConfig(db, shopId, "cart_abandonment", { enabled: true, assignments: [] });
  if (!enabled.ok) throw new Error(JSON.stringify(enabled.errors));
  for (let i = 1; i <= customers; i++) {
    const gid = `gid://shopify/Customer/${9007199254700000 + i}`;
    const email = `buyer${i}@example.jp`;
    const created = at(-60 * 24 * 30);
    await upsertCustomer(db, { shopId, now: T0 }, {
      gid, email, firstName: "花子", lastName: null, phone: null, locale: "ja", state: "enabled", tags: null,
      consent: { state: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", updatedAt: created }, birthDate: null, createdAt: created, updatedAt: created,
    });
    await recordCheckout(db, { shopId, now: T0 }, {
      token: `tok-${i}`, shopifyId: String(i), cartToken: null, customer: null, customerGid: gid, email, locale: "ja", currency: "JPY",
      totalPrice: 1_620_000n, abandonedCheckoutUrl: `https://${SHOP}/checkouts/tok-${i}/recover`, buyerAcceptsMarketing: false,
      lines: [], completedAt: null, createdAt: T0, updatedAt: T0,
    });
  }
}

afterEach(async () => t?.close());

describe("kill -9 during a tick", () => {
  function tickProcess(now: Date) {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: t.url, JOREN_MAIL_TOKEN_SECRET: "s".repeat(40), SHOPIFY_APP_URL: "https://joren.test" };
    delete env.SENDGRID_API_KEY;
    const child = spawn(process.execPath, ["--import", "tsx", "app/cli/main.ts", "tick", "--shop", SHOP, "--now", now.toISOString()], { env });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    return { child, exited, stderr: () => stderr };
  }

  test("killed mid-dispatch, then restarted: every email sent once, none lost", { timeout: 240_000 }, async () => {
    const N = 150;
    await setupShop(N);
    const first = tickProcess(at(61));
    // kill it once some emails are stored and others are not: mid-dispatch
    let killedAt = -1;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
      const stored = await db.outboxEmail.count();
      if (stored > 0 && stored < N) {
        first.child.kill("SIGKILL");
        killedAt = stored;
        break;
      }
      if (first.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const ended = await first.exited;
    expect(ended.signal, `the tick finished before it could be killed: ${first.stderr()}`).toBe("SIGKILL");
    expect(killedAt).toBeGreaterThan(0);
    const interrupted = await db.message.count({ where: { shopId, status: "sending" } });

    // the next tick, once the dead process's claims expired (10 minutes)
    const second = tickProcess(at(72));
    expect((await second.exited).code, second.stderr()).toBe(0);

    const rows = await db.message.findMany({ where: { shopId }, select: { id: true, status: true, reason: true } });
    expect(rows).toHaveLength(N);
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    const outbox = await db.outboxEmail.findMany({ where: { shopId }, select: { messageId: true, toEmail: true } });
    expect(outbox).toHaveLength(N);
    expect(new Set(outbox.map((o) => o.toEmail)).size).toBe(N);
    // the evidence that the kill landed where it matters
    expect(interrupted + (N - killedAt)).toBeGreaterThan(0);
  });
});

describe("SendGrid down for an hour of simulated time", () => {
  const accepted = new Map<string, number>();
  let down = true;
  let refused = 0;
  const sendgrid = setupServer(
    http.post("https://api.sendgrid.com/v3/mail/send", async ({ request }) => {
      if (down) {
        refused += 1;
        return HttpResponse.json({ errors: [{ message: "Service Unavailable" }] }, { status: 503 });
      }
      const body = (await request.json()) as { personalizations: { custom_args: Record<string, string> }[] };
      for (const p of body.personalizations) accepted.set(p.custom_args.joren_message_id, (accepted.get(p.custom_args.joren_message_id) ?? 0) + 1);
      return new HttpResponse(null, { status: 202, headers: { "X-Message-Id": randomUUID() } });
    }),
  );
  beforeAll(() => sendgrid.listen({ onUnhandledRequest: "error" }));
  afterAll(() => sendgrid.close());

  test("mail is delayed while it answers 503, then delivered exactly once", { timeout: 240_000 }, async () => {
    const N = 12;
    await setupShop(N);
    const deps = {
      transport: createSendgridTransport({ apiKey: "SG.test.key", sleep: async () => undefined, maxAttempts: 3 }),
      admin: createFakeAdminPort({}),
      appUrl: "https://joren.test",
      mailSecret: "s".repeat(40),
    };
    // a tick every 5 simulated minutes for an hour: each attempt is refused, nothing is lost
    for (let m = 61; m <= 121; m += 5) await runTick(db, shopId, at(m), deps);
    expect(refused).toBeGreaterThan(0);
    const during = await db.message.groupBy({ by: ["status"], where: { shopId }, _count: true });
    expect(during.map((g) => [g.status, g._count])).toEqual([["deferred", N]]);
    expect(accepted.size).toBe(0);

    down = false;
    // SendGrid is back; keep ticking another hour: each email goes once
    for (let m = 126; m <= 186; m += 5) await runTick(db, shopId, at(m), deps);
    const rows = await db.message.findMany({ where: { shopId }, select: { id: true, status: true } });
    expect(rows.every((r) => r.status === "sent")).toBe(true);
    expect(accepted.size).toBe(N);
    expect([...accepted.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(accepted.keys()));
  });
});

describe("the database locked while webhooks arrive", () => {
  let server: AppServer | undefined;
  afterEach(async () => server?.stop());

  /** Holds the write lock of the whole database (SQLite) or of the inbox table (PostgreSQL). */
  async function lockDatabase(url: string): Promise<() => Promise<void>> {
    if (url.startsWith("postgres")) {
      const pg = (await import("pg")).default;
      const parsed = new URL(url);
      const schema = parsed.searchParams.get("schema")!;
      parsed.searchParams.delete("schema");
      const client = new pg.Client({ connectionString: parsed.toString() });
      await client.connect();
      await client.query("BEGIN");
      await client.query(`LOCK TABLE "${schema}"."WebhookReceipt" IN ACCESS EXCLUSIVE MODE`);
      return async () => {
        await client.query("ROLLBACK");
        await client.end();
      };
    }
    const { default: Database } = await import("better-sqlite3");
    const sqlite = new Database(url.replace(/^file:/, ""));
    sqlite.exec("BEGIN EXCLUSIVE");
    return async () => {
      sqlite.exec("ROLLBACK");
      sqlite.close();
    };
  }

  test("answered 503 with Retry-After (Shopify retries), never a 200 that loses it; the retry lands once", { timeout: 120_000 }, async () => {
    t = await createTestDb();
    db = t.db;
    shopId = (await registerLocalShop({ db, domain: SHOP })).shopId;
    server = await startAppServer({ databaseUrl: t.url, env: { JOREN_LOG_LEVEL: "error" } });
    const bodies = [1, 2, 3].map((i) => JSON.stringify({ id: 9007199254741000 + i, admin_graphql_api_id: `gid://shopify/Product/${9007199254741000 + i}`, title: `Tea ${i}`, handle: `tea-${i}`, status: "active", product_type: "", vendor: "Joren", tags: "", created_at: T0.toISOString(), updated_at: T0.toISOString(), published_at: T0.toISOString(), variants: [], images: [], image: null }));
    const ids = bodies.map(() => randomUUID());

    const unlock = await lockDatabase(t.url);
    let statuses: number[];
    try {
      const answers = await Promise.all(bodies.map((body, i) => postWebhook(server!.url, { topic: "products/create", shop: SHOP, body, webhookId: ids[i] })));
      statuses = answers.map((r) => r.status);
      for (const r of answers) {
        expect(r.status).toBe(503);
        expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
      }
    } finally {
      await unlock();
    }
    expect(statuses).toEqual([503, 503, 503]);
    expect(await db.webhookReceipt.count()).toBe(0);

    // Shopify's retries (same webhook ids), twice over: stored once each, applied
    for (let round = 0; round < 2; round++) {
      const retried = await Promise.all(bodies.map((body, i) => postWebhook(server!.url, { topic: "products/create", shop: SHOP, body, webhookId: ids[i] })));
      expect(retried.map((r) => r.status)).toEqual([200, 200, 200]);
    }
    await waitForInbox(db, 30_000);
    expect(await db.webhookReceipt.count()).toBe(3);
    expect((await db.product.findMany({ where: { shopId }, select: { title: true }, orderBy: { title: "asc" } })).map((p) => p.title)).toEqual(["Tea 1", "Tea 2", "Tea 3"]);
    // the server still answers, and the busy spell was logged without a crash
    expect(server.process.exitCode).toBeNull();
  });
});
