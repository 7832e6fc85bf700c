import { onboardShop } from "~/modules/admin/shops/onboard-shop.server";
import { onShopInstalled } from "~/modules/admin/shops/install-shop.server";
import { createFakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { createTestDb, type TestDb } from "../helpers/db";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => t.close());

test("install registers the web pixel once, with the shop and the app URL as its settings", async () => {
  await onShopInstalled({ db: t.db, domain: "tea.myshopify.com", scopes: "read_orders" });
  const admin = createFakeAdminPort({});
  const first = await onboardShop({
    db: t.db,
    domain: "tea.myshopify.com",
    appUrl: "https://joren.example",
    admin,
    runImport: false,
  });
  const second = await onboardShop({
    db: t.db,
    domain: "tea.myshopify.com",
    appUrl: "https://joren.example",
    admin,
    runImport: false,
  });
  expect(first.webPixelId).toBeTruthy();
  expect(second.webPixelId).toBe(first.webPixelId);
  expect(admin.webPixels).toHaveLength(1);
  expect(admin.webPixels[0]).toMatchObject({
    settings: { accountID: "tea.myshopify.com", appUrl: "https://joren.example" },
  });
  expect((await t.db.shop.findUniqueOrThrow({ where: { domain: "tea.myshopify.com" } })).webPixelId).toBe(
    first.webPixelId,
  );
});

test("a failed pixel registration does not stop onboarding and is retried next time", async () => {
  await onShopInstalled({ db: t.db, domain: "tea.myshopify.com", scopes: null });
  const admin = createFakeAdminPort({});
  admin.failNext("createWebPixel", new Error("ACCESS_DENIED"));
  const first = await onboardShop({
    db: t.db,
    domain: "tea.myshopify.com",
    appUrl: "https://joren.example",
    admin,
    runImport: false,
  });
  expect(first.webPixelId).toBeNull();
  const second = await onboardShop({
    db: t.db,
    domain: "tea.myshopify.com",
    appUrl: "https://joren.example",
    admin,
    runImport: false,
  });
  expect(second.webPixelId).toBeTruthy();
});

test("a re-install clears the uninstall mark", async () => {
  await onShopInstalled({ db: t.db, domain: "tea.myshopify.com", scopes: null });
  await t.db.shop.update({ where: { domain: "tea.myshopify.com" }, data: { uninstalledAt: new Date() } });
  await onShopInstalled({ db: t.db, domain: "tea.myshopify.com", scopes: "read_orders" });
  expect((await t.db.shop.findUniqueOrThrow({ where: { domain: "tea.myshopify.com" } })).uninstalledAt).toBeNull();
});
