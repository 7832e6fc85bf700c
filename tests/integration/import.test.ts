// The history import end to end: fake Admin port (bulk JSONL in memory) → domain functions →
// a real migrated database.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Db } from "~/db.server";
import { upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import { writeTombstones } from "~/modules/mirror/compliance/tombstones.server";
import { dialectOf } from "~/lib/raw-sql.server";
import type { NormalizedCustomer } from "~/modules/mirror/types";
import {
  HistoryImportBusyError,
  HistoryImportFailedError,
  runHistoryImport,
  type HistoryImportProgress,
  type RunHistoryImportOptions,
} from "~/modules/ingest/import/run-history-import.server";
import { AdminApiError, type AdminPort } from "~/modules/platform/shopify/admin-port";
import { adminPortForShop } from "~/modules/platform/shopify/admin-port-for-shop.server";
import { createFakeAdminPort, type FakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { runImportForShop } from "~/modules/ingest/import/run-import-for-shop.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import {
  BIG_CUSTOMER_GID,
  BIG_ORDER_GID,
  BIG_PRODUCT_GID,
  GUEST_ORDER_GID,
  HANAKO_EMAIL,
  INVALID_ORDER_GID,
  buildBulkStore,
  type BulkStore,
} from "../fixtures/admin-api/bulk-store";
import { getOnboardingStatus } from "~/modules/admin/shops/onboarding-status.server";
import { importedMirror } from "../helpers/imported-mirror";
import { createTestDb, type TestDb } from "../helpers/db";

const CLOCK = new Date("2026-03-01T00:00:00Z");

let t: TestDb;
let shopId: string;
let store: BulkStore;

beforeEach(async () => {
  t = await createTestDb();
  shopId = (await t.db.shop.create({ data: { domain: "joren-import.myshopify.com" } })).id;
  store = buildBulkStore();
});

afterEach(async () => {
  await t.close();
});

function fakeFor(data: BulkStore, pollsToComplete = 2): FakeAdminPort {
  return createFakeAdminPort({
    products: data.products,
    customers: data.customers,
    orders: data.orders,
    pollsToComplete,
  });
}

function run(db: Db, id: string, admin: AdminPort, extra: Partial<RunHistoryImportOptions> = {}) {
  return runHistoryImport({
    db,
    shopId: id,
    admin,
    now: () => CLOCK,
    pollIntervalMs: 0,
    sleep: async () => {},
    batchSize: 4,
    ...extra,
  });
}

/** An AdminPort whose `crashOn`-th result download dies after `afterLines` lines. */
function crashingAdmin(fake: FakeAdminPort, crashOn: number, afterLines: number): AdminPort {
  let downloads = 0;
  return {
    ...fake,
    fetchJsonl(url: string) {
      downloads += 1;
      const source = fake.fetchJsonl(url);
      if (downloads !== crashOn) return source;
      return (async function* () {
        let served = 0;
        for await (const line of source) {
          if (served >= afterLines) throw new Error("simulated crash: connection reset by peer");
          served += 1;
          yield line;
        }
      })();
    },
  };
}

describe("history import", () => {
  test("a full import stores products, customers and orders", async () => {
    const fake = fakeFor(store);
    const progress: HistoryImportProgress[] = [];
    const result = await run(t.db, shopId, fake, { onProgress: (p) => progress.push(p) });

    expect(result.counts).toEqual({
      products: 5,
      customers: 12,
      orders: store.expected.orders,
      productsSkipped: 0,
      customersSkipped: 0,
      ordersSkipped: 1,
    });
    expect(await t.db.product.count()).toBe(5);
    expect(await t.db.variant.count()).toBe(10);
    // the guest order joined the account by email: no extra guest row
    expect(await t.db.customer.count()).toBe(12);
    expect(await t.db.order.count()).toBe(store.expected.orders);
    expect(await t.db.orderLine.count()).toBe(store.expected.orders);
    expect(await t.db.order.findFirst({ where: { gid: INVALID_ORDER_GID } })).toBeNull();

    // ids above 2^53, exact
    const hanako = await t.db.customer.findUniqueOrThrow({ where: { shopId_gid: { shopId, gid: BIG_CUSTOMER_GID } } });
    expect(hanako).toMatchObject({
      email: HANAKO_EMAIL,
      firstName: "Hanako",
      tags: "vip",
      state: "enabled",
      emailConsent: "SUBSCRIBED",
      emailConsentAt: new Date("2024-05-01T03:01:00Z"),
      emailConsentSource: "import",
      birthDate: "1971-02-15",
    });
    const bigOrder = await t.db.order.findUniqueOrThrow({ where: { shopId_gid: { shopId, gid: BIG_ORDER_GID } } });
    expect(bigOrder.customerId).toBe(hanako.id);
    expect(bigOrder.customerGid).toBe(BIG_CUSTOMER_GID);
    const bigProduct = await t.db.product.findUniqueOrThrow({
      where: { shopId_gid: { shopId, gid: BIG_PRODUCT_GID } },
      include: { variants: true },
    });
    expect(bigProduct.variants.map((v) => v.price).sort()).toEqual([1_500_000n, 2_000_000n]);

    // the guest order belongs to the account with that email
    const guest = await t.db.order.findUniqueOrThrow({ where: { shopId_gid: { shopId, gid: GUEST_ORDER_GID } } });
    expect(guest.customerGid).toBeNull();
    expect(guest.customerId).toBe(hanako.id);
    const hanakoOrders = await t.db.order.count({ where: { customerId: hanako.id, counted: true } });
    expect((await t.db.customer.findUniqueOrThrow({ where: { id: hanako.id } })).ordersCount).toBe(hanakoOrders);

    const job = await t.db.importJob.findUniqueOrThrow({ where: { id: result.jobId } });
    expect(job).toMatchObject({
      status: "done",
      stage: "done",
      bulkOperationId: null,
      linesDone: 0,
      error: null,
      finishedAt: CLOCK,
    });
    expect(JSON.parse(job.counts)).toEqual(result.counts);

    // stages in order, customers before orders; one bulk operation each
    expect(fake.calls.flatMap((c) => (c.op === "runBulkQuery" ? [c.root] : []))).toEqual([
      "products",
      "customers",
      "orders",
    ]);
    expect([...new Set(progress.map((p) => p.stage))]).toEqual(["products", "customers", "orders"]);
    const last = progress.filter((p) => p.stage === "orders").at(-1)!;
    expect(last.linesDone).toBe(store.orders.length);
    expect(last.objectCount).toBe(store.orders.length);
  });

  test("progress carries this run's rate and the time left; the job row holds them for the onboarding page", async () => {
    // the import's clock advances one second per reading
    let tick = 0;
    const clock = () => new Date(CLOCK.getTime() + 1000 * tick++);
    const progress: HistoryImportProgress[] = [];
    const fake = fakeFor(store);
    // the orders download (third) dies after 6 lines: the row keeps the last batch's estimate
    await expect(
      run(t.db, shopId, crashingAdmin(fake, 3, 6), { now: clock, batchSize: 2, onProgress: (p) => progress.push(p) }),
    ).rejects.toThrow(/simulated crash/);
    const interrupted = await getOnboardingStatus(t.db, shopId);
    expect(interrupted.import).toMatchObject({ status: "running", stage: "orders", objectCount: store.orders.length });
    expect(interrupted.import!.secondsLeft).toBeGreaterThan(0);
    expect(interrupted.import!.progress).toBeGreaterThan(2 / 3);
    expect(interrupted.import!.progress).toBeLessThan(1);

    await run(t.db, shopId, fake, { now: clock, batchSize: 2, onProgress: (p) => progress.push(p) });
    // after each applied batch (polls while Shopify builds the file report no rate)
    const applying = progress.filter((p) => p.stage === "orders" && p.secondsLeft !== null);
    expect(applying.length).toBeGreaterThan(2);
    expect(applying.every((p) => p.linesPerSecond > 0 && p.objectCount === store.orders.length)).toBe(true);
    expect(applying.at(-1)!.secondsLeft).toBe(0);
    // cleared when the import ends
    expect((await getOnboardingStatus(t.db, shopId)).import).toMatchObject({
      status: "done",
      progress: 1,
      secondsLeft: null,
      objectCount: null,
    });
  });

  test("a crash mid-import resumes from linesDone and ends in the same state, without duplicates", async () => {
    // reference: one clean run in its own database
    const clean = await createTestDb();
    const cleanShop = (await clean.db.shop.create({ data: { domain: "joren-import.myshopify.com" } })).id;
    const reference = await run(clean.db, cleanShop, fakeFor(store));
    const expected = await importedMirror(clean.db);
    await clean.close();

    // crash during the orders download (the third result file), after a few batches
    const fake = fakeFor(store);
    await expect(run(t.db, shopId, crashingAdmin(fake, 3, 23))).rejects.toThrowError(/simulated crash/);
    const crashed = await t.db.importJob.findFirstOrThrow({ where: { shopId } });
    expect(crashed.status).toBe("running");
    expect(crashed.stage).toBe("orders");
    expect(crashed.linesDone).toBeGreaterThan(0);
    expect(crashed.linesDone).toBeLessThan(23);
    expect(crashed.error).toMatch(/simulated crash/);
    expect(crashed.bulkOperationId).not.toBeNull();
    const ordersBefore = await t.db.order.count();
    expect(ordersBefore).toBeGreaterThan(0);
    expect(ordersBefore).toBeLessThan(store.expected.orders);

    const progress: HistoryImportProgress[] = [];
    const resumed = await run(t.db, shopId, fake, { onProgress: (p) => progress.push(p) });
    expect(resumed.jobId).toBe(crashed.id);
    // the same bulk operation was reused, and nothing before the orders stage ran again
    expect(fake.calls.filter((c) => c.op === "runBulkQuery")).toHaveLength(3);
    expect(progress.every((p) => p.stage === "orders")).toBe(true);
    expect(progress[0]!.linesDone).toBe(crashed.linesDone);

    expect(resumed.counts).toEqual(reference.counts);
    expect(await importedMirror(t.db)).toEqual(expected);
  });

  test("a resumed import whose bulk result expired starts a new operation and still ends complete", async () => {
    const fake = fakeFor(store);
    await expect(run(t.db, shopId, crashingAdmin(fake, 2, 5))).rejects.toThrowError(/simulated crash/);
    const crashed = await t.db.importJob.findFirstOrThrow({ where: { shopId } });
    expect(crashed.stage).toBe("customers");
    fake.expireBulkOperation(crashed.bulkOperationId!);

    const result = await run(t.db, shopId, fake);
    expect(fake.calls.flatMap((c) => (c.op === "runBulkQuery" ? [c.root] : []))).toEqual([
      "products",
      "customers",
      "customers",
      "orders",
    ]);
    expect(result.counts).toMatchObject({ products: 5, customers: 12, orders: store.expected.orders });
    expect(await t.db.customer.count()).toBe(12);
  });

  test("a result url that answers 403 (expired link) gets a fresh bulk operation once", async () => {
    const fake = fakeFor(store);
    let downloads = 0;
    const admin: AdminPort = {
      ...fake,
      fetchJsonl(url: string) {
        downloads += 1;
        if (downloads === 2) {
          return (async function* () {
            yield* [];
            throw new AdminApiError({
              kind: "http",
              operation: "fetchJsonl",
              status: 403,
              messages: ["Request has expired"],
            });
          })();
        }
        return fake.fetchJsonl(url);
      },
    };
    const result = await run(t.db, shopId, admin);
    expect(fake.calls.flatMap((c) => (c.op === "runBulkQuery" ? [c.root] : []))).toEqual([
      "products",
      "customers",
      "customers",
      "orders",
    ]);
    expect(result.counts).toMatchObject({ customers: 12, orders: store.expected.orders });
  });

  test("a newer live webhook wins over the older imported copy", async () => {
    const live: NormalizedCustomer = {
      gid: BIG_CUSTOMER_GID,
      email: HANAKO_EMAIL,
      firstName: "Hanako (renamed)",
      lastName: "Suzuki",
      phone: "+81312345678",
      locale: "ja",
      state: "enabled",
      tags: "vip, moved",
      consent: { state: "UNSUBSCRIBED", optInLevel: null, updatedAt: new Date("2026-02-20T00:00:00Z") },
      birthDate: null,
      createdAt: new Date("2024-05-01T03:00:00Z"),
      updatedAt: new Date("2026-02-20T00:00:00Z"), // the import's row says 2026-02-10
    };
    await t.db.$transaction((tx) =>
      upsertCustomer(tx, { shopId, now: new Date("2026-02-20T00:00:01Z") }, live, { consentSource: "webhook" }),
    );

    await run(t.db, shopId, fakeFor(store));

    const hanako = await t.db.customer.findMany({ where: { shopId, emailNormalized: HANAKO_EMAIL } });
    expect(hanako).toHaveLength(1);
    expect(hanako[0]).toMatchObject({
      firstName: "Hanako (renamed)",
      lastName: "Suzuki",
      tags: "vip, moved",
      shopifyUpdatedAt: new Date("2026-02-20T00:00:00Z"),
      // the older SUBSCRIBED from the import does not re-subscribe her
      emailConsent: "UNSUBSCRIBED",
      emailConsentSource: "webhook",
    });
    // her orders still joined her
    expect(await t.db.order.count({ where: { customerId: hanako[0]!.id } })).toBeGreaterThan(1);
  });

  test("a customer erased before the import (tombstone) is not imported again, nor their orders", async () => {
    await t.db.$transaction((tx) =>
      writeTombstones(
        tx,
        shopId,
        { customerGid: BIG_CUSTOMER_GID, email: HANAKO_EMAIL },
        new Date("2026-02-28T00:00:00Z"),
      ),
    );

    const { counts } = await run(t.db, shopId, fakeFor(store));

    expect(counts.customers).toBe(store.expected.customers);
    expect(
      await t.db.customer.count({
        where: { shopId, OR: [{ gid: BIG_CUSTOMER_GID }, { emailNormalized: HANAKO_EMAIL }] },
      }),
    ).toBe(0);
    expect(
      await t.db.order.count({
        where: { shopId, OR: [{ customerGid: BIG_CUSTOMER_GID }, { emailNormalized: HANAKO_EMAIL }] },
      }),
    ).toBe(0);
    // everyone else arrived
    expect(await t.db.customer.count({ where: { shopId } })).toBeGreaterThan(1);
    expect(await t.db.order.count({ where: { shopId } })).toBeGreaterThan(1);
  });

  test("on SQLite the import's connection tuning is undone when it ends", async () => {
    if (dialectOf(t.db) !== "sqlite") return;
    const pragma = async (name: string) =>
      Number(Object.values((await t.db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`))[0] ?? {})[0]);
    const before = { cache: await pragma("cache_size"), checkpoint: await pragma("wal_autocheckpoint") };
    let during = { cache: 0, checkpoint: 0 };
    await run(t.db, shopId, fakeFor(store), {
      onProgress: () => {
        void Promise.all([pragma("cache_size"), pragma("wal_autocheckpoint")]).then(([cache, checkpoint]) => {
          during = { cache, checkpoint };
        });
      },
    });
    expect(during).toEqual({ cache: -65_536, checkpoint: 10_000 });
    expect({ cache: await pragma("cache_size"), checkpoint: await pragma("wal_autocheckpoint") }).toEqual(before);
  });

  test("a FAILED bulk operation marks the job failed with what to do", async () => {
    const fake = fakeFor(store);
    fake.endNextBulkOperation("FAILED", "ACCESS_DENIED", "orders");
    const error = await run(t.db, shopId, fake).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryImportFailedError);
    expect((error as HistoryImportFailedError).stage).toBe("orders");

    const job = await t.db.importJob.findFirstOrThrow({ where: { shopId } });
    expect(job.status).toBe("failed");
    expect(job.stage).toBe("orders");
    expect(job.finishedAt).toEqual(CLOCK);
    expect(job.error).toMatch(/FAILED with ACCESS_DENIED/);
    expect(job.error).toMatch(/read_all_orders/);
    expect(job.error).toMatch(/run the import again/);
    // what came before stays
    expect(await t.db.customer.count()).toBe(12);

    // a failed job is not resumed: the next run is a new job, and it completes
    const again = await run(t.db, shopId, fake);
    expect(again.jobId).not.toBe(job.id);
    expect(await t.db.order.count()).toBe(store.expected.orders);
  });

  test("an import already running elsewhere is not run twice", async () => {
    const busy = await t.db.importJob.create({ data: { shopId, status: "running", heartbeatAt: CLOCK } });
    await expect(run(t.db, shopId, fakeFor(store))).rejects.toThrowError(HistoryImportBusyError);
    // once its heartbeat is stale, it is taken over and finished
    await t.db.importJob.update({
      where: { id: busy.id },
      data: { heartbeatAt: new Date(CLOCK.getTime() - 10 * 60_000) },
    });
    const result = await run(t.db, shopId, fakeFor(store));
    expect(result.jobId).toBe(busy.id);
  });

  test("an empty store completes with zero counts", async () => {
    const result = await run(t.db, shopId, createFakeAdminPort({}));
    expect(result.counts).toMatchObject({ products: 0, customers: 0, orders: 0 });
    expect((await t.db.importJob.findUniqueOrThrow({ where: { id: result.jobId } })).status).toBe("done");
  });
});

describe("import for a shop by domain", () => {
  test("a local shop imports from the fake, and says there was nothing to import", async () => {
    await registerLocalShop({ db: t.db, domain: "joren-local.myshopify.com" });
    const result = await runImportForShop({ db: t.db, domain: "joren-local.myshopify.com", now: () => CLOCK });
    expect(result.counts).toMatchObject({ products: 0, customers: 0, orders: 0 });
    expect(result.warnings.join(" ")).toMatch(/local shop/);
  });

  test("an injected port imports into the shop named by domain", async () => {
    const result = await runImportForShop({
      db: t.db,
      domain: "joren-import.myshopify.com",
      admin: fakeFor(store, 1),
      now: () => CLOCK,
    });
    expect(result.counts.orders).toBe(store.expected.orders);
  });

  test("an installed shop gets the real port with its offline token and scopes", async () => {
    await t.db.session.create({
      data: {
        id: "offline_joren-import.myshopify.com",
        shop: "joren-import.myshopify.com",
        state: "",
        accessToken: "shpat_x",
        scope: "read_orders,read_customers",
      },
    });
    const port = await adminPortForShop(t.db, "joren-import.myshopify.com");
    expect(port).toMatchObject({ shopId, local: false, scopes: ["read_orders", "read_customers"] });
    await expect(adminPortForShop(t.db, "nobody.myshopify.com")).rejects.toThrowError(/not known here/);
    await t.db.shop.create({ data: { domain: "no-session.myshopify.com" } });
    await expect(adminPortForShop(t.db, "no-session.myshopify.com")).rejects.toThrowError(/no offline session/);
  });
});
