// The ledger listing behind `outbox`: one shop's rows only, the OutboxEntry fields, filters and
// limits, a guest's null customer id, and the command's argument checks.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { runOutbox } from "~/cli/commands/outbox";
import { listLedger, type OutboxEntry } from "~/modules/engine/list-ledger.server";
import { createTestDb, type TestDb } from "../helpers/db";

const DOMAIN_A = "ledger-a.myshopify.com";
const DOMAIN_B = "ledger-b.myshopify.com";
const HANAKO_GID = "gid://shopify/Customer/9007199254740993";

let t: TestDb;
let shopA: string;
let shopB: string;

interface Row {
  id: string;
  shopId: string;
  customerId: string;
  scenario: string;
  status: string;
  createdAt: string;
  dueAt: string;
  triggerKey?: string;
  sentAt?: string;
  holdout?: boolean;
  reason?: string;
  subject?: string;
  couponCode?: string;
  email?: string;
  locale?: string;
}

async function message(row: Row): Promise<void> {
  await t.db.message.create({
    data: {
      ...row,
      triggerKey: row.triggerKey ?? `trigger:${row.id}`,
      createdAt: new Date(row.createdAt),
      dueAt: new Date(row.dueAt),
      sentAt: row.sentAt ? new Date(row.sentAt) : null,
    },
  });
}

beforeEach(async () => {
  t = await createTestDb();
  shopA = (await t.db.shop.create({ data: { domain: DOMAIN_A } })).id;
  shopB = (await t.db.shop.create({ data: { domain: DOMAIN_B } })).id;
  const hanako = await t.db.customer.create({ data: { shopId: shopA, gid: HANAKO_GID, email: "hanako@example.jp" } });
  const guest = await t.db.customer.create({ data: { shopId: shopA, gid: null, email: "guest@example.com" } });
  const other = await t.db.customer.create({
    data: { shopId: shopB, gid: "gid://shopify/Customer/1", email: "b@example.com" },
  });

  await message({
    id: "m-3-sent",
    shopId: shopA,
    customerId: hanako.id,
    scenario: "cart_abandonment",
    status: "sent",
    reason: "sent",
    createdAt: "2026-03-01T10:00:00.000Z",
    dueAt: "2026-03-01T11:00:00.000Z",
    sentAt: "2026-03-01T11:00:05.123Z",
    email: "hanako@example.jp",
    subject: "お買い物かごに商品が残っています",
    couponCode: "JOREN-ABC123",
    locale: "ja",
  });
  // same createdAt as m-3-sent: the id decides (m-2 before m-3)
  await message({
    id: "m-2-held",
    shopId: shopA,
    customerId: guest.id,
    scenario: "welcome",
    status: "held_out",
    holdout: true,
    reason: "in the welcome control group",
    createdAt: "2026-03-01T10:00:00.000Z",
    dueAt: "2026-03-01T10:10:00.000Z",
    email: "guest@example.com",
    locale: "en",
  });
  await message({
    id: "m-1-planned",
    shopId: shopA,
    customerId: hanako.id,
    scenario: "cart_abandonment",
    status: "planned",
    triggerKey: "checkout:abc:2",
    createdAt: "2026-02-28T09:00:00.000Z",
    dueAt: "2026-03-02T09:00:00.000Z",
  });
  await message({
    id: "m-4-skipped",
    shopId: shopA,
    customerId: guest.id,
    scenario: "cart_abandonment",
    status: "skipped",
    reason: "no email marketing consent",
    createdAt: "2026-03-02T08:00:00.000Z",
    dueAt: "2026-03-02T08:00:00.000Z",
  });
  await message({
    id: "m-0-other-shop",
    shopId: shopB,
    customerId: other.id,
    scenario: "cart_abandonment",
    status: "sent",
    createdAt: "2026-03-01T10:00:00.000Z",
    dueAt: "2026-03-01T10:00:00.000Z",
    sentAt: "2026-03-01T10:00:00.000Z",
  });
});

afterEach(async () => {
  await t.close();
});

describe("listLedger", () => {
  test("lists only the shop's rows, by createdAt then id", async () => {
    expect((await listLedger(t.db, shopA)).map((e) => e.id)).toEqual([
      "m-1-planned",
      "m-2-held",
      "m-3-sent",
      "m-4-skipped",
    ]);
    expect((await listLedger(t.db, shopB)).map((e) => e.id)).toEqual(["m-0-other-shop"]);
  });

  test("every OutboxEntry field, with the customer's GID, ISO times and a real boolean", async () => {
    const entries = await listLedger(t.db, shopA);
    const byId = new Map(entries.map((e) => [e.id, e]));
    expect(byId.get("m-3-sent")).toEqual<OutboxEntry>({
      id: "m-3-sent",
      scenario: "cart_abandonment",
      customerId: HANAKO_GID,
      email: "hanako@example.jp",
      status: "sent",
      reason: "sent",
      holdout: false,
      subject: "お買い物かごに商品が残っています",
      couponCode: "JOREN-ABC123",
      plannedAt: "2026-03-01T11:00:00.000Z",
      sentAt: "2026-03-01T11:00:05.123Z",
      locale: "ja",
    });
    expect(byId.get("m-2-held")).toEqual<OutboxEntry>({
      id: "m-2-held",
      scenario: "welcome",
      customerId: null,
      email: "guest@example.com",
      status: "held_out",
      reason: "in the welcome control group",
      holdout: true,
      subject: null,
      couponCode: null,
      plannedAt: "2026-03-01T10:10:00.000Z",
      sentAt: null,
      locale: "en",
    });
    expect(byId.get("m-1-planned")).toMatchObject({
      customerId: HANAKO_GID,
      status: "planned",
      plannedAt: "2026-03-02T09:00:00.000Z",
      sentAt: null,
    });
    expect(byId.get("m-4-skipped")).toMatchObject({ customerId: null, reason: "no email marketing consent" });
  });

  test("filters by scenario and status; the limit keeps the most recent rows, oldest first", async () => {
    expect((await listLedger(t.db, shopA, { scenario: "cart_abandonment" })).map((e) => e.id)).toEqual([
      "m-1-planned",
      "m-3-sent",
      "m-4-skipped",
    ]);
    expect((await listLedger(t.db, shopA, { status: "held_out" })).map((e) => e.id)).toEqual(["m-2-held"]);
    expect((await listLedger(t.db, shopA, { scenario: "cart_abandonment", status: "sent" })).map((e) => e.id)).toEqual([
      "m-3-sent",
    ]);
    expect(await listLedger(t.db, shopA, { scenario: "birthday" })).toEqual([]);
    expect((await listLedger(t.db, shopA, { limit: 2 })).map((e) => e.id)).toEqual(["m-3-sent", "m-4-skipped"]);
    expect((await listLedger(t.db, shopA, { limit: 1, status: "planned" })).map((e) => e.id)).toEqual(["m-1-planned"]);
    await expect(listLedger(t.db, shopA, { limit: 0 })).rejects.toThrow("limit must be a whole number of at least 1");
  });

  test("a shop with no ledger rows lists nothing", async () => {
    const empty = (await t.db.shop.create({ data: { domain: "ledger-empty.myshopify.com" } })).id;
    expect(await listLedger(t.db, empty)).toEqual([]);
  });
});

describe("outbox command", () => {
  test("prints the shop's entries with the filters applied", async () => {
    const result = await runOutbox(t.db, DOMAIN_A, { scenario: "cart_abandonment", status: "skipped", limit: "5" });
    expect(result).toMatchObject({ ok: true, output: [{ id: "m-4-skipped", customerId: null }] });
    expect(result.ok && result.output.length).toBe(1);
  });

  test("bad filters are refused with the valid values (exit code 2)", async () => {
    const scenario = await runOutbox(t.db, DOMAIN_A, { scenario: "cart" });
    expect(scenario).toMatchObject({ ok: false, exitCode: 2 });
    expect(!scenario.ok && scenario.message).toContain("valid keys: cart_abandonment, browse_abandonment");
    const status = await runOutbox(t.db, DOMAIN_A, { status: "done" });
    expect(!status.ok && status.message).toBe(
      'unknown status "done"; valid statuses: planned, deferred, sending, sent, held_out, skipped, failed',
    );
    for (const limit of ["0", "-3", "2.5", "ten", "10001"]) {
      const result = await runOutbox(t.db, DOMAIN_A, { limit });
      expect(!result.ok && result.message).toContain("--limit must be a whole number from 1 to 10000");
    }
  });

  test("an unknown shop is an error naming the fix", async () => {
    await expect(runOutbox(t.db, "nobody.myshopify.com")).rejects.toThrow(
      "npm run joren -- shop:add nobody.myshopify.com",
    );
  });
});
