// Consent Joren changed while Shopify could not be told (`…_pending_sync`) is written back by the
// shop tick's retry (app/modules/jobs/schedule/sync-pending-consent.server.ts).
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { OPT_IN_CONFIRMED_SOURCE, OPT_IN_PENDING_SYNC_SOURCE } from "~/modules/delivery/opt-in/opt-in.server";
import {
  BACK_IN_STOCK_PENDING_SYNC_SOURCE,
  BACK_IN_STOCK_SOURCE,
} from "~/modules/ingest/back-in-stock/subscribe.server";
import { syncPendingConsent } from "~/modules/jobs/schedule/sync-pending-consent.server";
import { createFakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { UNSUBSCRIBE_PENDING_SYNC_SOURCE, UNSUBSCRIBE_SOURCE } from "~/modules/tracking/unsubscribe.server";
import { createTestDb, type TestDb } from "../helpers/db";

let t: TestDb;
let shopId: string;
let otherShopId: string;

beforeEach(async () => {
  t = await createTestDb();
  shopId = (await t.db.shop.create({ data: { domain: "consent-sync.myshopify.com" } })).id;
  otherShopId = (await t.db.shop.create({ data: { domain: "consent-sync-other.myshopify.com" } })).id;
});

afterEach(async () => {
  await t.close();
});

async function customer(n: number, emailConsent: string, emailConsentSource: string, shop = shopId) {
  return t.db.customer.create({
    data: {
      shopId: shop,
      gid: `gid://shopify/Customer/${n}`,
      email: `c${n}@example.jp`,
      emailNormalized: `c${n}@example.jp`,
      emailConsent,
      emailConsentSource,
    },
  });
}

const sourceOf = async (id: string) =>
  (await t.db.customer.findUniqueOrThrow({ where: { id }, select: { emailConsentSource: true } })).emailConsentSource;

describe("pending consent write-back", () => {
  test("each pending kind is told to Shopify with its state and opt-in level, then marked synced", async () => {
    const unsubscribed = await customer(1, "UNSUBSCRIBED", UNSUBSCRIBE_PENDING_SYNC_SOURCE);
    const confirmed = await customer(2, "SUBSCRIBED", OPT_IN_PENDING_SYNC_SOURCE);
    const single = await customer(3, "SUBSCRIBED", BACK_IN_STOCK_PENDING_SYNC_SOURCE);
    const untouched = await customer(4, "SUBSCRIBED", "shopify");
    const elsewhere = await customer(5, "UNSUBSCRIBED", UNSUBSCRIBE_PENDING_SYNC_SOURCE, otherShopId);
    const admin = createFakeAdminPort();

    expect(await syncPendingConsent(t.db, shopId, admin)).toEqual({ synced: 3, stopped: false });

    expect(admin.calls).toEqual([
      { op: "updateEmailConsent", customerGid: "gid://shopify/Customer/1", state: "UNSUBSCRIBED" },
      {
        op: "updateEmailConsent",
        customerGid: "gid://shopify/Customer/2",
        state: "SUBSCRIBED",
        optInLevel: "CONFIRMED_OPT_IN",
      },
      {
        op: "updateEmailConsent",
        customerGid: "gid://shopify/Customer/3",
        state: "SUBSCRIBED",
        optInLevel: "SINGLE_OPT_IN",
      },
    ]);
    expect(await sourceOf(unsubscribed.id)).toBe(UNSUBSCRIBE_SOURCE);
    expect(await sourceOf(confirmed.id)).toBe(OPT_IN_CONFIRMED_SOURCE);
    expect(await sourceOf(single.id)).toBe(BACK_IN_STOCK_SOURCE);
    expect(await sourceOf(untouched.id)).toBe("shopify");
    // another shop's backlog is that shop's tick's business
    expect(await sourceOf(elsewhere.id)).toBe(UNSUBSCRIBE_PENDING_SYNC_SOURCE);

    // nothing left: a second pass calls nobody
    expect(await syncPendingConsent(t.db, shopId, admin)).toEqual({ synced: 0, stopped: false });
    expect(admin.calls).toHaveLength(3);
  });

  test("Shopify failing stops the pass and keeps the mark for the next tick", async () => {
    const first = await customer(1, "UNSUBSCRIBED", UNSUBSCRIBE_PENDING_SYNC_SOURCE);
    const second = await customer(2, "UNSUBSCRIBED", UNSUBSCRIBE_PENDING_SYNC_SOURCE);
    const admin = createFakeAdminPort();
    admin.failNext("updateEmailConsent");

    expect(await syncPendingConsent(t.db, shopId, admin)).toEqual({ synced: 0, stopped: true });
    expect(admin.calls).toHaveLength(1);
    expect(await sourceOf(first.id)).toBe(UNSUBSCRIBE_PENDING_SYNC_SOURCE);
    expect(await sourceOf(second.id)).toBe(UNSUBSCRIBE_PENDING_SYNC_SOURCE);

    expect(await syncPendingConsent(t.db, shopId, admin)).toEqual({ synced: 2, stopped: false });
    expect(await sourceOf(first.id)).toBe(UNSUBSCRIBE_SOURCE);
    expect(await sourceOf(second.id)).toBe(UNSUBSCRIBE_SOURCE);
  });

  test("a mark whose state Shopify has since changed is not written back", async () => {
    // subscribed again in Shopify after Joren's unsubscribe: the pending unsubscribe must not override it
    const resubscribed = await customer(1, "SUBSCRIBED", UNSUBSCRIBE_PENDING_SYNC_SOURCE);
    const admin = createFakeAdminPort();
    expect(await syncPendingConsent(t.db, shopId, admin)).toEqual({ synced: 0, stopped: false });
    expect(admin.calls).toEqual([]);
    expect(await sourceOf(resubscribed.id)).toBe(UNSUBSCRIBE_PENDING_SYNC_SOURCE);
  });

  test("a tick takes a bounded share of the backlog", async () => {
    for (let n = 1; n <= 5; n++) await customer(n, "UNSUBSCRIBED", UNSUBSCRIBE_PENDING_SYNC_SOURCE);
    const admin = createFakeAdminPort();
    expect(await syncPendingConsent(t.db, shopId, admin, 2)).toEqual({ synced: 2, stopped: false });
    expect(await t.db.customer.count({ where: { shopId, emailConsentSource: UNSUBSCRIBE_SOURCE } })).toBe(2);
    expect(await syncPendingConsent(t.db, shopId, admin, 10)).toEqual({ synced: 3, stopped: false });
    expect(await t.db.customer.count({ where: { shopId, emailConsentSource: UNSUBSCRIBE_PENDING_SYNC_SOURCE } })).toBe(
      0,
    );
  });
});
