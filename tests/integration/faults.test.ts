// Faults: a tick process killed with SIGKILL mid-dispatch and restarted; a history import process
// killed with SIGKILL mid-download and restarted (the real CLI and Admin port, against a stand-in
// Shopify on 127.0.0.1); SendGrid down for an hour of simulated time; the database locked while
// webhooks arrive. Each ends with nothing sent twice, nothing lost, nothing stored twice. (The
// import's other resume paths and Admin API throttling are covered in-process by
// tests/integration/import.test.ts and admin-port.test.ts; docs/reliability.md lists them.)
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { Db } from "~/db.server";
import { recordCheckout } from "~/modules/mirror/checkouts/record-checkout.server";
import { upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import { runTick } from "~/modules/engine/tick.server";
import { createSendgridTransport } from "~/modules/delivery/mail/sendgrid-transport.server";
import { createFakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { GUEST_ORDER_GID, buildBulkStore } from "../fixtures/admin-api/bulk-store";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { importedMirror } from "../helpers/imported-mirror";
import { enableScenario, registerSendingShop } from "../helpers/sending-shop";
import { createTestDb, type TestDb } from "../helpers/db";
import { startFakeShopifyServer, type FakeShopifyCall, type FakeShopifyServer } from "../helpers/fake-shopify-server";
import { lockDatabase } from "../helpers/lock-db";
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
  shopId = await registerSendingShop(db, SHOP, ["holdoutPercent=0", "quietHours=off"]);
  await enableScenario(db, shopId, "cart_abandonment");
  for (let i = 1; i <= customers; i++) {
    const gid = `gid://shopify/Customer/${9007199254700000 + i}`;
    const email = `buyer${i}@example.jp`;
    const created = at(-60 * 24 * 30);
    await upsertCustomer(
      db,
      { shopId, now: T0 },
      {
        gid,
        email,
        firstName: "花子",
        lastName: null,
        phone: null,
        locale: "ja",
        state: "enabled",
        tags: null,
        consent: { state: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", updatedAt: created },
        birthDate: null,
        createdAt: created,
        updatedAt: created,
      },
    );
    await recordCheckout(
      db,
      { shopId, now: T0 },
      {
        token: `tok-${i}`,
        shopifyId: String(i),
        cartToken: null,
        customer: null,
        customerGid: gid,
        email,
        locale: "ja",
        currency: "JPY",
        totalPrice: 1_620_000n,
        abandonedCheckoutUrl: `https://${SHOP}/checkouts/tok-${i}/recover`,
        buyerAcceptsMarketing: false,
        lines: [],
        completedAt: null,
        createdAt: T0,
        updatedAt: T0,
      },
    );
  }
}

afterEach(async () => t?.close());

describe("kill -9 during a tick", () => {
  function tickProcess(now: Date) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: t.url,
      JOREN_MAIL_TOKEN_SECRET: "s".repeat(40),
      SHOPIFY_APP_URL: "https://joren.test",
    };
    delete env.SENDGRID_API_KEY;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "app/cli/main.ts", "tick", "--shop", SHOP, "--now", now.toISOString()],
      { env },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    return { child, exited, stderr: () => stderr };
  }

  test("killed mid-dispatch, then restarted: every email sent once, none lost", { timeout: 240_000 }, async () => {
    // six send chunks of 100: most of the dispatch lies between the first chunk stored and the last
    const N = 600;
    await setupShop(N);
    const first = tickProcess(at(61));
    // kill it once some emails are stored and others are not: mid-dispatch
    let killedAt = -1;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
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

describe("kill -9 during a history import", () => {
  const IMPORT_SHOP = "faults-import.myshopify.com";
  const TOKEN = "shpat_faults_import_0123456789abcdef";
  const SCOPES = "read_products,read_customers,write_customers,read_orders,read_all_orders";
  const store = buildBulkStore({ products: 12, customers: 150, orders: 450 });
  // The fixture numbers its orders 5100000000000 + n and gives its guest order (the last two rows)
  // …099, order 99's id in a store this size: the guest order gets an unused id here.
  const orderRows = store.orders.slice();
  const [guest, guestLine] = orderRows.slice(-2);
  if (guest!.id !== GUEST_ORDER_GID || guestLine!.__parentId !== GUEST_ORDER_GID)
    throw new Error("bulk-store: the guest order is not the last two rows");
  orderRows.splice(
    -2,
    2,
    { ...guest, id: "gid://shopify/Order/5199999999999" },
    { ...guestLine, __parentId: "gid://shopify/Order/5199999999999" },
  );
  const lines = {
    products: store.products.map((row) => JSON.stringify(row)),
    customers: store.customers.map((row) => JSON.stringify(row)),
    orders: orderRows.map((row) => JSON.stringify(row)),
  };
  // the first orders download stops here, three quarters in, and hangs: the import cannot finish
  // before it is killed (it applies orders in batches of 200; it receives ~340)
  const HOLD_AFTER = Math.floor(lines.orders.length * 0.75);
  const PRELOAD = pathToFileURL(path.resolve("tests/helpers/route-fetch-to-local.ts")).href;

  interface ImportOutput {
    shop: string;
    jobId: string;
    counts: Record<string, number>;
    warnings: string[];
  }

  let shopify: FakeShopifyServer;
  let reference: TestDb | undefined;
  beforeEach(async () => {
    shopify = await startFakeShopifyServer({ shop: IMPORT_SHOP, accessToken: TOKEN, lines });
  });
  afterEach(async () => {
    await shopify.close();
    await reference?.close();
    reference = undefined;
  });

  /** An installed (not local) shop: the CLI gives it the real GraphQL Admin port with this token. */
  async function installShop(target: Db): Promise<string> {
    const { id } = await target.shop.create({ data: { domain: IMPORT_SHOP, scopes: SCOPES } });
    await target.session.create({
      data: { id: `offline_${IMPORT_SHOP}`, shop: IMPORT_SHOP, state: "", accessToken: TOKEN, scope: SCOPES },
    });
    return id;
  }

  /** `npm run joren -- import --shop …` in its own process, its fetch routed to the stand-in Shopify. */
  function importProcess(databaseUrl: string) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      JOREN_TEST_FETCH_TARGET: shopify.origin,
      JOREN_TEST_FETCH_HOSTS: shopify.hosts.join(","),
    };
    const child = spawn(
      process.execPath,
      // batches of 200 lines: several resume points before the held download (903 order lines)
      [
        "--import",
        "tsx",
        "--import",
        PRELOAD,
        "app/cli/main.ts",
        "import",
        "--shop",
        IMPORT_SHOP,
        "--batch-size",
        "200",
      ],
      { env },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    return { child, exited, stdout: () => stdout, stderr: () => stderr };
  }

  /** The CLI's progress lines on stderr ("  orders: 400 / 1203 lines"). */
  function progressOf(stderr: string) {
    return [...stderr.matchAll(/^ {2}(products|customers|orders): (\d+)(?: \/ (\d+))? lines(?:, .*)?$/gm)].map((m) => ({
      stage: m[1],
      linesDone: Number(m[2]),
      objectCount: m[3] === undefined ? null : Number(m[3]),
    }));
  }

  const ofOp = <K extends FakeShopifyCall["op"]>(calls: FakeShopifyCall[], op: K) =>
    calls.filter((c): c is Extract<FakeShopifyCall, { op: K }> => c.op === op);

  test(
    "killed mid-download, then restarted: resumes from the lines it recorded and ends exactly as a clean import",
    { timeout: 480_000 },
    async () => {
      // the reference: the same import, uninterrupted, in its own database
      reference = await createTestDb();
      await installShop(reference.db);
      const clean = importProcess(reference.url);
      expect((await clean.exited).code, clean.stderr()).toBe(0);
      const cleanOutput = JSON.parse(clean.stdout()) as ImportOutput;
      const counts = {
        products: 12,
        customers: 150,
        orders: store.expected.orders,
        productsSkipped: 0,
        customersSkipped: 0,
        ordersSkipped: 1,
      };
      expect(cleanOutput.counts).toEqual(counts);
      const expected = await importedMirror(reference.db);
      expect(expected.rows).toMatchObject({
        products: 12,
        variants: 24,
        customers: 150,
        orders: store.expected.orders,
        orderLines: store.expected.orders,
      });

      t = await createTestDb();
      db = t.db;
      shopId = await installShop(db);
      const beforeFirst = shopify.calls.length;
      shopify.holdNextDownload("orders", HOLD_AFTER);
      const first = importProcess(t.url);
      // kill it once some orders are applied and the rest are not: mid-import
      for (const deadline = Date.now() + 180_000; Date.now() < deadline;) {
        const job = await db.importJob.findFirst({ where: { shopId }, select: { stage: true, linesDone: true } });
        if (job?.stage === "orders" && job.linesDone > 0) {
          first.child.kill("SIGKILL");
          break;
        }
        if (first.child.exitCode !== null || first.child.signalCode !== null) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const ended = await first.exited;
      expect(ended.signal, `the import was not killed mid-way: ${first.stderr()}`).toBe("SIGKILL");

      // what the dead process left: products and customers done, orders part-way, in one job
      const firstCalls = shopify.calls.slice(beforeFirst);
      expect(ofOp(firstCalls, "bulkOperationRunQuery").map((c) => c.root)).toEqual(["products", "customers", "orders"]);
      const ordersOperation = ofOp(firstCalls, "bulkOperationRunQuery")[2]!.id;
      expect(ofOp(firstCalls, "download").map((c) => [c.root, c.linesServed, c.complete])).toEqual([
        ["products", lines.products.length, true],
        ["customers", lines.customers.length, true],
        ["orders", HOLD_AFTER, false],
      ]);
      const killed = await db.importJob.findFirstOrThrow({ where: { shopId } });
      expect(killed).toMatchObject({
        status: "running",
        stage: "orders",
        bulkOperationId: ordersOperation,
        finishedAt: null,
      });
      expect(killed.linesDone).toBeGreaterThan(0);
      expect(killed.linesDone).toBeLessThan(HOLD_AFTER);
      const killedCounts = JSON.parse(killed.counts) as Record<string, number>;
      expect(killedCounts).toMatchObject({ products: 12, customers: 150 });
      // the recorded progress was written with the rows: every order it counts is stored, no other
      expect(killedCounts.orders).toBeGreaterThan(0);
      expect(killedCounts.orders).toBeLessThan(store.expected.orders);
      expect(await db.order.count()).toBe(killedCounts.orders);
      expect(await db.customer.count()).toBe(150);

      // restarted at once: the dead process's heartbeat is fresh, so the job is not taken over
      // (it could be alive elsewhere) — refused, nothing asked of Shopify, nothing changed
      const beforeBusy = shopify.calls.length;
      const busy = importProcess(t.url);
      expect((await busy.exited).code, busy.stderr()).toBe(1);
      expect(busy.stderr()).toMatch(new RegExp(`history import ${killed.id} is already running`));
      expect(shopify.calls.slice(beforeBusy)).toEqual([]);
      expect(await db.importJob.findMany({ where: { shopId } })).toEqual([killed]);

      // five minutes later the heartbeat is stale and the next run takes the job over; rather than
      // wait, the heartbeat is dated back
      await db.importJob.update({ where: { id: killed.id }, data: { heartbeatAt: new Date(Date.now() - 6 * MIN) } });
      const beforeSecond = shopify.calls.length;
      const second = importProcess(t.url);
      expect((await second.exited).code, second.stderr()).toBe(0);
      expect(JSON.parse(second.stdout())).toEqual({
        shop: IMPORT_SHOP,
        jobId: killed.id,
        counts,
        warnings: [],
      } satisfies ImportOutput);

      // it resumed: no new bulk operation, the recorded one polled and its result read once more,
      // applied from the line the job recorded on — products and customers not run again
      const secondCalls = shopify.calls.slice(beforeSecond);
      expect(ofOp(secondCalls, "bulkOperationRunQuery")).toEqual([]);
      expect(ofOp(secondCalls, "bulkOperation").map((c) => c.id)).toEqual([ordersOperation]);
      expect(ofOp(secondCalls, "download")).toEqual([
        { op: "download", id: ordersOperation, root: "orders", linesServed: lines.orders.length, complete: true },
      ]);
      const progress = progressOf(second.stderr());
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.every((p) => p.stage === "orders")).toBe(true);
      expect(progress[0]!.linesDone).toBe(killed.linesDone);
      expect(progress.at(-1)).toEqual({
        stage: "orders",
        linesDone: lines.orders.length,
        objectCount: lines.orders.length,
      });
      expect(progressOf(first.stderr()).map((p) => p.stage)).toContain("products");

      // one job, finished
      const jobs = await db.importJob.findMany({ where: { shopId } });
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({
        id: killed.id,
        status: "done",
        stage: "done",
        bulkOperationId: null,
        linesDone: 0,
        error: null,
      });
      expect(jobs[0]!.finishedAt).not.toBeNull();
      expect(JSON.parse(jobs[0]!.counts)).toEqual(counts);

      // the mirror is exactly the clean import's: same rows, same values, nothing twice
      expect(await importedMirror(db)).toEqual(expected);
      expect(shopify.calls.filter((c) => c.op === "refused")).toEqual([]);
    },
  );
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
      for (const p of body.personalizations)
        accepted.set(p.custom_args.joren_message_id!, (accepted.get(p.custom_args.joren_message_id!) ?? 0) + 1);
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

  test(
    "answered 503 with Retry-After (Shopify retries), never a 200 that loses it; the retry lands once",
    { timeout: 120_000 },
    async () => {
      t = await createTestDb();
      db = t.db;
      shopId = (await registerLocalShop({ db, domain: SHOP })).shopId;
      server = await startAppServer({ databaseUrl: t.url, env: { JOREN_LOG_LEVEL: "error" } });
      const bodies = [1, 2, 3].map((i) =>
        JSON.stringify({
          id: 9007199254741000 + i,
          admin_graphql_api_id: `gid://shopify/Product/${9007199254741000 + i}`,
          title: `Tea ${i}`,
          handle: `tea-${i}`,
          status: "active",
          product_type: "",
          vendor: "Joren",
          tags: "",
          created_at: T0.toISOString(),
          updated_at: T0.toISOString(),
          published_at: T0.toISOString(),
          variants: [],
          images: [],
          image: null,
        }),
      );
      const ids = bodies.map(() => randomUUID());

      const unlock = await lockDatabase(t.url, ["WebhookReceipt"]);
      let statuses: number[];
      try {
        const answers = await Promise.all(
          bodies.map((body, i) =>
            postWebhook(server!.url, { topic: "products/create", shop: SHOP, body, webhookId: ids[i] }),
          ),
        );
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
        const retried = await Promise.all(
          bodies.map((body, i) =>
            postWebhook(server!.url, { topic: "products/create", shop: SHOP, body, webhookId: ids[i] }),
          ),
        );
        expect(retried.map((r) => r.status)).toEqual([200, 200, 200]);
      }
      await waitForInbox(db, 30_000);
      expect(await db.webhookReceipt.count()).toBe(3);
      expect(
        (await db.product.findMany({ where: { shopId }, select: { title: true }, orderBy: { title: "asc" } })).map(
          (p) => p.title,
        ),
      ).toEqual(["Tea 1", "Tea 2", "Tea 3"]);
      // the server still answers, and the busy spell was logged without a crash
      expect(server.process.exitCode).toBeNull();
    },
  );
});
