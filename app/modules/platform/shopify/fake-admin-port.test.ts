import { describe, expect, test } from "vitest";
import { AdminApiError } from "./admin-port";
import { bulkQueryRoot, createFakeAdminPort } from "./fake-admin-port";
import { CUSTOMERS_BULK_QUERY, ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY } from "../../ingest/import/bulk-queries";

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe("fake Admin port", () => {
  test("serves each bulk query from its root connection's lines after N polls", async () => {
    const fake = createFakeAdminPort({
      products: [{ id: "gid://shopify/Product/1", title: "A" }],
      customers: ['{"id":"gid://shopify/Customer/1"}'],
      pollsToComplete: 3,
    });
    const { id } = await fake.runBulkQuery(CUSTOMERS_BULK_QUERY);
    expect((await fake.getBulkOperation(id)).status).toBe("RUNNING");
    expect((await fake.getBulkOperation(id)).status).toBe("RUNNING");
    const done = await fake.getBulkOperation(id);
    expect(done).toMatchObject({ status: "COMPLETED", objectCount: 1 });
    expect(await collect(fake.fetchJsonl(done.url!))).toEqual(['{"id":"gid://shopify/Customer/1"}']);

    const products = await fake.runBulkQuery(PRODUCTS_BULK_QUERY);
    for (let i = 0; i < 3; i++) await fake.getBulkOperation(products.id);
    const op = await fake.getBulkOperation(products.id);
    expect(await collect(fake.fetchJsonl(op.url!))).toEqual(['{"id":"gid://shopify/Product/1","title":"A"}']);
    expect(fake.calls.map((c) => c.op)).toContain("fetchJsonl");
  });

  test("an empty result completes without a url", async () => {
    const fake = createFakeAdminPort();
    const { id } = await fake.runBulkQuery(ORDERS_BULK_QUERY);
    expect(await fake.getBulkOperation(id)).toMatchObject({ status: "COMPLETED", url: null, objectCount: 0 });
  });

  test("finds the root of a bulk query", () => {
    expect(bulkQueryRoot(PRODUCTS_BULK_QUERY)).toBe("products");
    expect(bulkQueryRoot('query { # comment {\n orders(query: "x") { edges { node { id } } } }')).toBe("orders");
    expect(bulkQueryRoot("{ collections { edges { node { id } } } }")).toBeNull();
  });

  test("discount codes get unique gids and a taken code is refused", async () => {
    const fake = createFakeAdminPort();
    const base = {
      title: "t",
      customerGid: "gid://shopify/Customer/1",
      percentage: 10,
      startsAt: new Date(0),
      endsAt: new Date(1000),
    };
    const a = await fake.createCustomerDiscountCode({ ...base, code: "A-1" });
    const b = await fake.createCustomerDiscountCode({ ...base, code: "A-2" });
    expect(a.discountGid).not.toBe(b.discountGid);
    expect(a.discountGid).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/);
    await expect(fake.createCustomerDiscountCode({ ...base, code: "a-1" })).rejects.toMatchObject({
      kind: "user_errors",
      codes: ["TAKEN"],
    });
    expect(fake.discounts.map((d) => d.code)).toEqual(["A-1", "A-2"]);
  });

  test("failNext fails the next call of that operation once", async () => {
    const fake = createFakeAdminPort();
    fake.failNext("updateEmailConsent");
    await expect(fake.updateEmailConsent("gid://shopify/Customer/1", "UNSUBSCRIBED")).rejects.toBeInstanceOf(
      AdminApiError,
    );
    await fake.updateEmailConsent("gid://shopify/Customer/1", "UNSUBSCRIBED");
    expect(fake.consents.get("gid://shopify/Customer/1")).toBe("UNSUBSCRIBED");
    fake.failNext("getShopInfo", new Error("boom"));
    await expect(fake.getShopInfo()).rejects.toThrowError("boom");
    expect((await fake.getShopInfo()).currencyCode).toBe("JPY");
  });

  test("a bulk operation can be made to fail, and only one runs at a time", async () => {
    const fake = createFakeAdminPort({ pollsToComplete: 2 });
    fake.endNextBulkOperation("FAILED", "TIMEOUT");
    const { id } = await fake.runBulkQuery(ORDERS_BULK_QUERY);
    await expect(fake.runBulkQuery(PRODUCTS_BULK_QUERY)).rejects.toMatchObject({ codes: ["OPERATION_IN_PROGRESS"] });
    await fake.getBulkOperation(id);
    expect(await fake.getBulkOperation(id)).toMatchObject({ status: "FAILED", errorCode: "TIMEOUT", url: null });
  });
});
