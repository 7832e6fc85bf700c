// The history import's customers stage is set-based (recordCustomers, ADR 0030): the customers it
// leaves must be the ones the row-by-row path leaves — the topic's tombstone check, then
// upsertCustomer with the import's consent source, one version after another — on the same
// input: repeated customers out of order, consent newer and older, undated consent, a guest row
// adopted, a stored newer profile, a redacted person. SQLite, or PostgreSQL with TEST_DATABASE_URL.
import type { Tx } from "~/db.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { isCustomerTombstoned, writeTombstones } from "~/modules/mirror/compliance/tombstones.server";
import { recordCustomers } from "~/modules/mirror/customers/record-customers.server";
import { upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import type { NormalizedConsent, NormalizedCustomer } from "~/modules/mirror/types";
import { createTestDb, type TestDb } from "../helpers/db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.close();
});

const NOW = new Date("2026-12-02T00:00:00Z");
const at = (iso: string) => new Date(iso);

function customer(gid: number, spec: Partial<NormalizedCustomer> = {}): NormalizedCustomer {
  return {
    gid: `gid://shopify/Customer/${gid}`,
    email: `c${gid}@example.jp`,
    firstName: `First${gid}`,
    lastName: "Sato",
    phone: null,
    locale: "ja",
    state: "enabled",
    tags: null,
    consent: null,
    birthDate: null,
    createdAt: at("2026-01-01T00:00:00Z"),
    updatedAt: at("2026-11-10T00:00:00Z"),
    ...spec,
  };
}
const consent = (state: NormalizedConsent["state"], updatedAt: string | null): NormalizedConsent => ({
  state,
  optInLevel: state === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null,
  updatedAt: updatedAt ? at(updatedAt) : null,
});

const BATCH: NormalizedCustomer[] = [
  customer(1, { consent: consent("SUBSCRIBED", "2026-11-10T00:00:00Z"), birthDate: "1980-01-02" }),
  // older than the stored profile and consent: neither written
  customer(2, {
    firstName: "Older",
    updatedAt: at("2026-11-20T00:00:00Z"),
    consent: consent("UNSUBSCRIBED", "2026-11-21T00:00:00Z"),
  }),
  customer(1, {
    lastName: "Suzuki",
    updatedAt: at("2026-11-12T00:00:00Z"),
    consent: consent("UNSUBSCRIBED", "2026-11-12T00:00:00Z"),
  }),
  // an older version of customer 1 after a newer one: profile and consent stay
  customer(1, {
    lastName: "Old",
    updatedAt: at("2026-11-11T00:00:00Z"),
    consent: consent("SUBSCRIBED", "2026-11-09T00:00:00Z"),
  }),
  // a new account whose email has a guest row: the guest is adopted; undated consent is dated now
  customer(3, { email: " GUEST@example.jp ", consent: consent("SUBSCRIBED", null) }),
  // erased on 2026-11-15 (tombstone): this older version must not bring them back
  customer(9, { email: "gone@example.jp", updatedAt: at("2026-11-10T00:00:00Z") }),
  // no dates at all
  customer(4, { createdAt: null, updatedAt: null, tags: "vip, repeat" }),
  // newer than what is stored: profile and consent written
  customer(2, {
    firstName: "Newest",
    updatedAt: at("2026-12-01T00:00:00Z"),
    consent: consent("SUBSCRIBED", "2026-12-01T00:00:00Z"),
  }),
  // a second guest-email account: the guest is taken, so a new row
  customer(5, { email: "guest@example.jp", consent: consent("PENDING", "2026-11-30T00:00:00Z") }),
];

async function seed(domain: string): Promise<{ shopId: string; guestId: string }> {
  const { shopId } = await registerLocalShop({ db: t.db, domain });
  await t.db.customer.create({
    data: {
      shopId,
      gid: "gid://shopify/Customer/2",
      email: "c2@example.jp",
      emailNormalized: "c2@example.jp",
      firstName: "Stored",
      shopifyUpdatedAt: at("2026-11-30T00:00:00Z"),
      emailConsent: "SUBSCRIBED",
      emailConsentAt: at("2026-11-29T00:00:00Z"),
      emailConsentSource: "shopify",
    },
  });
  const guest = await t.db.customer.create({
    data: { shopId, gid: null, email: "guest@example.jp", emailNormalized: "guest@example.jp" },
  });
  await t.db.$transaction((tx) =>
    writeTombstones(
      tx,
      shopId,
      { customerGid: "gid://shopify/Customer/9", email: "gone@example.jp" },
      at("2026-11-15T00:00:00Z"),
    ),
  );
  return { shopId, guestId: guest.id };
}

async function customersOf(shopId: string) {
  const rows = await t.db.customer.findMany({
    where: { shopId },
    select: {
      gid: true,
      email: true,
      emailNormalized: true,
      firstName: true,
      lastName: true,
      phone: true,
      locale: true,
      state: true,
      tags: true,
      birthDate: true,
      shopifyCreatedAt: true,
      shopifyUpdatedAt: true,
      emailConsent: true,
      emailConsentAt: true,
      emailConsentOptInLevel: true,
      emailConsentSource: true,
      redactedAt: true,
    },
  });
  return rows.sort((a, b) => `${a.gid}`.localeCompare(`${b.gid}`));
}

async function rowByRow(tx: Tx, shopId: string, batch: readonly NormalizedCustomer[]) {
  for (const c of batch) {
    const person = { customerGid: c.gid, email: c.email, at: c.updatedAt ?? c.createdAt };
    if (await isCustomerTombstoned(tx, shopId, person)) continue;
    await upsertCustomer(tx, { shopId, now: NOW }, c, { consentSource: "import" });
  }
}

test("the set-based customers stage leaves the customers the row-by-row path leaves", async () => {
  const setBased = await seed("record-customers-set.myshopify.com");
  const oneByOne = await seed("record-customers-rows.myshopify.com");

  const results = await t.db.$transaction((tx) =>
    recordCustomers(tx, { shopId: setBased.shopId, now: NOW }, BATCH, { consentSource: "import" }),
  );
  await t.db.$transaction((tx) => rowByRow(tx, oneByOne.shopId, BATCH));

  expect(results).toEqual([
    "applied",
    "older",
    "applied",
    "older",
    "applied",
    "redacted",
    "applied",
    "applied",
    "applied",
  ]);
  const got = await customersOf(setBased.shopId);
  const want = await customersOf(oneByOne.shopId);
  expect(got).toEqual(want);
  // spot checks, so the equality cannot hold by both paths doing nothing
  expect(got.map((c) => c.gid)).toEqual([
    "gid://shopify/Customer/1",
    "gid://shopify/Customer/2",
    "gid://shopify/Customer/3",
    "gid://shopify/Customer/4",
    "gid://shopify/Customer/5",
  ]);
  const byGid = new Map(got.map((c) => [c.gid, c]));
  expect(byGid.get("gid://shopify/Customer/1")).toMatchObject({
    lastName: "Suzuki",
    birthDate: "1980-01-02",
    emailConsent: "UNSUBSCRIBED",
    emailConsentAt: at("2026-11-12T00:00:00Z"),
    emailConsentSource: "import",
  });
  expect(byGid.get("gid://shopify/Customer/2")).toMatchObject({ firstName: "Newest", emailConsent: "SUBSCRIBED" });
  expect(byGid.get("gid://shopify/Customer/3")).toMatchObject({ emailConsent: "SUBSCRIBED", emailConsentAt: NOW });
  expect(byGid.get("gid://shopify/Customer/5")).toMatchObject({ emailConsent: "PENDING" });
  // the guest row became customer 3 in both
  for (const { shopId, guestId } of [setBased, oneByOne]) {
    expect((await t.db.customer.findUniqueOrThrow({ where: { id: guestId } })).gid).toBe("gid://shopify/Customer/3");
    expect(await t.db.customer.count({ where: { shopId, email: "gone@example.jp" } })).toBe(0);
  }
});

test("a later batch finds the customers an earlier one created, and newer-wins holds across batches", async () => {
  const { shopId } = await seed("record-customers-later.myshopify.com");
  const results = await t.db.$transaction(async (tx) => {
    const first = await recordCustomers(tx, { shopId, now: NOW }, [customer(7)], { consentSource: "import" });
    const again = await recordCustomers(
      tx,
      { shopId, now: NOW },
      [customer(7, { firstName: "Again", updatedAt: at("2026-11-11T00:00:00Z") })],
      { consentSource: "import" },
    );
    const older = await recordCustomers(
      tx,
      { shopId, now: NOW },
      [customer(7, { firstName: "Older", updatedAt: at("2026-11-01T00:00:00Z") })],
      { consentSource: "import" },
    );
    return [...first, ...again, ...older];
  });
  expect(results).toEqual(["applied", "applied", "older"]);
  expect(await t.db.customer.count({ where: { shopId, gid: "gid://shopify/Customer/7" } })).toBe(1);
  expect(await t.db.customer.findFirstOrThrow({ where: { shopId, gid: "gid://shopify/Customer/7" } })).toMatchObject({
    firstName: "Again",
  });
});
