// The checkout guard as the admin reports it for a local shop (the demo's): onboarding in one
// process (the demo's CLI, its own fake Admin API) leaves the guard active for the server's pages
// in another; a shop that never activated it shows it as not created, with the fix working.
// Admin API failures come back as a problem code, never Shopify's raw text.
import {
  activateCheckoutDiscountFromAdmin,
  guardAdminPort,
} from "~/modules/admin/guard/checkout-discount-admin.server";
import { createFakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { AdminApiError } from "~/modules/platform/shopify/admin-port";
import { onboardShop } from "~/modules/admin/shops/onboard-shop.server";
import { getCheckoutDiscountState } from "~/modules/admin/shops/onboarding-status.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { createTestDb, type TestDb } from "../helpers/db";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => t.close());

test("a local shop onboarded elsewhere (the demo's CLI) shows the guard active from the start", async () => {
  const domain = `guard-demo-${Date.now()}.myshopify.com`;
  const { shopId } = await registerLocalShop({ db: t.db, domain });
  // the CLI's own fake, as npm run demo does: gone when that process ends
  const onboarded = await onboardShop({
    db: t.db,
    domain,
    appUrl: "https://joren.test",
    admin: createFakeAdminPort(),
    runImport: false,
  });
  expect(onboarded.checkoutDiscount).toMatchObject({ functionFound: true, active: true });
  expect(await getCheckoutDiscountState(t.db, { id: shopId, domain })).toMatchObject({ state: "active" });
});

test("a local shop that never activated it: not created, Activate fixes it, and the state stays", async () => {
  const domain = `guard-new-${Date.now()}.myshopify.com`;
  const { shopId } = await registerLocalShop({ db: t.db, domain });
  expect(await getCheckoutDiscountState(t.db, { id: shopId, domain })).toMatchObject({ state: "not_created" });
  expect(
    await activateCheckoutDiscountFromAdmin({ db: t.db, shop: { id: shopId, domain }, now: new Date() }),
  ).toMatchObject({ ok: true });
  expect(await getCheckoutDiscountState(t.db, { id: shopId, domain })).toMatchObject({ state: "active" });
});

test("Shopify refusing the activation is a problem code, not its user_errors text", async () => {
  const domain = `guard-refused-${Date.now()}.myshopify.com`;
  const { shopId } = await registerLocalShop({ db: t.db, domain });
  const { admin } = await guardAdminPort(t.db, domain);
  (admin as ReturnType<typeof createFakeAdminPort>).failNext(
    "createAutomaticAppDiscount",
    AdminApiError.fromUserErrors("discountAutomaticAppCreate", [
      { field: ["automaticAppDiscount", "title"], message: "Title is too long (internal)", code: "TOO_LONG" },
    ]),
  );
  const result = await activateCheckoutDiscountFromAdmin({ db: t.db, shop: { id: shopId, domain }, now: new Date() });
  expect(result).toEqual({ ok: false, reason: "admin_error", problem: "refused" });
  expect(JSON.stringify(result)).not.toContain("Title is too long");
  expect(await getCheckoutDiscountState(t.db, { id: shopId, domain })).toMatchObject({ state: "not_created" });
  // Shopify unreachable while the page asks: "could not check", with the problem's words
  (admin as ReturnType<typeof createFakeAdminPort>).failNext(
    "listShopifyFunctions",
    new AdminApiError({ kind: "http", operation: "x", status: 503, messages: ["upstream"] }),
  );
  expect(await getCheckoutDiscountState(t.db, { id: shopId, domain })).toEqual({
    state: "unknown",
    problem: "unavailable",
  });
  // pressing Activate again works
  expect(
    await activateCheckoutDiscountFromAdmin({ db: t.db, shop: { id: shopId, domain }, now: new Date() }),
  ).toMatchObject({ ok: true });
});
