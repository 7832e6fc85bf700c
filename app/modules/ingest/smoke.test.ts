import { createTestDb } from "../../../tests/helpers/db";
test("a fresh test database is migrated", async () => {
  const t = await createTestDb();
  const shop = await t.db.shop.create({ data: { domain: "a.myshopify.com" } });
  expect(await t.db.shop.count()).toBe(1);
  expect(shop.currency).toBe("JPY");
  await t.close();
});
