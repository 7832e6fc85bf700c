// The guard's Admin API operations on the real port, against recorded Shopify answers served by
// msw: the customer-bound single-use code, finding the Discount Function, creating the automatic
// discount with its configuration metafield, its status, and updating the configuration. Then
// the activation flow end to end over the same HTTP contract.
import { readFileSync } from "node:fs";
import path from "node:path";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { cartLinesDiscountsGenerateRun } from "../../extensions/joren-first-purchase-discount/src/cart_lines_discounts_generate_run";
import type { Db } from "~/db.server";
import {
  activateCheckoutDiscount,
  checkoutDiscountStatus,
  FIRST_PURCHASE_FUNCTION_HANDLE,
} from "~/modules/admin/guard/checkout-discount.server";
import { AdminApiError, type AdminPort } from "~/modules/platform/shopify/admin-port";
import { createGraphqlAdminPort } from "~/modules/platform/shopify/graphql-admin-port.server";
import { onShopInstalled } from "~/modules/admin/shops/install-shop.server";
import { assignShopSettings } from "~/modules/platform/settings/shop-settings.server";
import { createTestDb, type TestDb } from "../helpers/db";
import { CurrencyCode, DiscountClass, LanguageCode } from "../../extensions/joren-first-purchase-discount/src/types";

const SHOP = "joren-guard.myshopify.com";
const ENDPOINT = `https://${SHOP}/admin/api/2026-04/graphql.json`;
const FUNCTION_ID = "0199a1b2-8a40-7d21-b6f2-5e7d9c0a1f22";
const DISCOUNT_ID = "gid://shopify/DiscountAutomaticNode/1473284219001";

const fixture = (name: string) =>
  JSON.parse(readFileSync(path.resolve("tests/fixtures/admin-api", name), "utf8")) as Record<string, unknown>;

interface Recorded {
  query: string;
  variables: Record<string, unknown>;
}
const recorded: Recorded[] = [];
let answers: string[] = [];

const server = setupServer(
  http.post(ENDPOINT, async ({ request }) => {
    const body = (await request.json()) as Recorded;
    recorded.push(body);
    const next = answers.shift();
    if (!next) return HttpResponse.json({ errors: [{ message: "test: no answer queued" }] }, { status: 599 });
    return HttpResponse.json(fixture(next));
  }),
);

const port = (): AdminPort =>
  createGraphqlAdminPort({ shop: SHOP, accessToken: "shpat_guard_test", sleep: async () => {}, maxAttempts: 1 });
const op = (r: Recorded) => /(?:mutation|query)\s+(\w+)/.exec(r.query)?.[1];

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  recorded.length = 0;
  answers = [];
});
afterAll(() => server.close());

describe("codes Joren emails are bound to their recipient", () => {
  test("discountCodeBasicCreate carries the customer context, a usage limit of 1, once per customer, and the expiry", async () => {
    answers = ["discount-code-basic-create.success.json"];
    await port().createCustomerDiscountCode({
      code: "JOREN-0A1B2C3D4E",
      title: "Joren welcome JOREN-0A1B2C3D4E",
      customerGid: "gid://shopify/Customer/9007199254740993",
      percentage: 10,
      startsAt: new Date("2026-11-02T01:00:00Z"),
      endsAt: new Date("2026-11-16T01:00:00Z"),
    });
    const input = recorded[0]!.variables.basicCodeDiscount as Record<string, unknown>;
    expect(input.context).toEqual({ customers: { add: ["gid://shopify/Customer/9007199254740993"] } });
    expect(input.usageLimit).toBe(1);
    expect(input.appliesOncePerCustomer).toBe(true);
    expect(input.endsAt).toBe("2026-11-16T01:00:00.000Z");
    // bound to exactly one customer: no "all customers" fallback in the input
    expect(JSON.stringify(input)).not.toMatch(/"all"\s*:\s*true\s*}\s*,\s*"customer/);
  });

  test("a code that is not bound to a customer account never reaches Shopify", async () => {
    await expect(
      port().createCustomerDiscountCode({
        code: "JOREN-X",
        title: "x",
        customerGid: "guest@example.jp",
        percentage: 10,
        startsAt: new Date("2026-11-02T00:00:00Z"),
        endsAt: new Date("2026-11-03T00:00:00Z"),
      }),
    ).rejects.toThrowError(/not a customer GID/);
    expect(recorded).toHaveLength(0);
  });
});

describe("Discount Function operations", () => {
  test("shopifyFunctions is read page by page", async () => {
    answers = ["shopify-functions.page1.json", "shopify-functions.page2.json"];
    const functions = await port().listShopifyFunctions();
    expect(functions.map((f) => f.handle)).toEqual(["joren-loyalty-validation", FIRST_PURCHASE_FUNCTION_HANDLE]);
    expect(recorded.map((r) => r.variables)).toEqual([{ after: null }, { after: "eyJsYXN0X2lkIjoxfQ==" }]);
  });

  test("discountAutomaticAppCreate sends the function, the ORDER class and the configuration as a json metafield", async () => {
    answers = ["discount-automatic-app-create.success.json"];
    const result = await port().createAutomaticAppDiscount({
      title: "Joren first purchase",
      functionHandle: FIRST_PURCHASE_FUNCTION_HANDLE,
      startsAt: new Date("2026-11-02T00:00:00Z"),
      discountClasses: ["ORDER"],
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
      configuration: {
        namespace: "$app:joren",
        key: "first-purchase-config",
        value: { version: 1, kind: "percent", value: 10 },
      },
    });
    expect(result).toEqual({ discountId: DISCOUNT_ID });
    expect(recorded[0]!.query).toMatch(/discountAutomaticAppCreate\(automaticAppDiscount: \$automaticAppDiscount\)/);
    expect(recorded[0]!.variables).toEqual({
      automaticAppDiscount: {
        title: "Joren first purchase",
        functionHandle: FIRST_PURCHASE_FUNCTION_HANDLE,
        startsAt: "2026-11-02T00:00:00.000Z",
        discountClasses: ["ORDER"],
        combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
        metafields: [
          {
            namespace: "$app:joren",
            key: "first-purchase-config",
            type: "json",
            value: '{"version":1,"kind":"percent","value":10}',
          },
        ],
      },
    });
  });

  test("a refused discount is an AdminApiError naming the field", async () => {
    answers = ["discount-automatic-app-create.user-errors.json"];
    const error = await port()
      .createAutomaticAppDiscount({
        title: "t",
        functionHandle: "nope",
        startsAt: new Date(),
        discountClasses: ["ORDER"],
        combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
        configuration: { namespace: "$app:joren", key: "k", value: {} },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect((error as AdminApiError).message).toMatch(/automaticAppDiscount\.functionHandle: Function not found/);
  });

  test("the discount's status, and null for a deleted one", async () => {
    answers = ["automatic-discount-status.active.json", "automatic-discount-status.missing.json"];
    expect(await port().getAutomaticDiscountStatus(DISCOUNT_ID)).toEqual({ status: "ACTIVE", functionId: FUNCTION_ID });
    expect(await port().getAutomaticDiscountStatus(DISCOUNT_ID)).toBeNull();
    expect(recorded[0]!.variables).toEqual({ id: DISCOUNT_ID });
  });

  test("metafieldsSet writes the configuration on the discount", async () => {
    answers = ["metafields-set.success.json"];
    await port().setJsonMetafield({
      ownerId: DISCOUNT_ID,
      namespace: "$app:joren",
      key: "first-purchase-config",
      value: { a: 1 },
    });
    expect(recorded[0]!.variables).toEqual({
      metafields: [
        { ownerId: DISCOUNT_ID, namespace: "$app:joren", key: "first-purchase-config", type: "json", value: '{"a":1}' },
      ],
    });
  });
});

describe("activation over HTTP", () => {
  let t: TestDb;
  let db: Db;
  let shopId: string;
  beforeEach(async () => {
    t = await createTestDb();
    db = t.db;
    shopId = (await onShopInstalled({ db, domain: SHOP, scopes: "write_discounts" })).shopId;
  });
  afterEach(async () => t.close());

  test("finds the Function by handle, creates the discount once with a configuration the Function accepts, then only refreshes it", async () => {
    const saved = await assignShopSettings(db, shopId, ["checkoutDiscountValue=15"]);
    expect(saved.ok).toBe(true);
    answers = [
      "shopify-functions.page1.json",
      "shopify-functions.page2.json",
      "discount-automatic-app-create.success.json",
    ];
    const first = await activateCheckoutDiscount({ db, shopId, admin: port(), now: new Date("2026-11-02T00:00:00Z") });
    expect(first).toEqual({ functionFound: true, discountId: DISCOUNT_ID, active: true });
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).guardDiscountId).toBe(DISCOUNT_ID);
    const create = recorded.find((r) => op(r) === "discountAutomaticAppCreate")!;
    const metafield = (create.variables.automaticAppDiscount as { metafields: { value: string }[] }).metafields[0];
    // what Shopify will hand the Function is exactly what the app wrote
    const granted = cartLinesDiscountsGenerateRun({
      cart: {
        buyerIdentity: { customer: { id: "gid://shopify/Customer/1", numberOfOrders: 0 } },
        cost: { subtotalAmount: { currencyCode: CurrencyCode.Jpy } },
      },
      discount: { discountClasses: [DiscountClass.Order], metafield: { jsonValue: JSON.parse(metafield!.value) } },
      localization: { language: { isoCode: LanguageCode.Ja } },
    });
    expect(granted.operations[0]?.orderDiscountsAdd?.candidates[0]).toMatchObject({
      value: { percentage: { value: "15" } },
      message: "初回購入15%オフ",
    });

    recorded.length = 0;
    answers = [
      "automatic-discount-status.active.json",
      "metafields-set.success.json",
      "shopify-functions.page1.json",
      "shopify-functions.page2.json",
      "automatic-discount-status.active.json",
    ];
    const again = await activateCheckoutDiscount({ db, shopId, admin: port(), now: new Date("2026-11-03T00:00:00Z") });
    expect(again).toEqual({ functionFound: true, discountId: DISCOUNT_ID, active: true });
    expect(recorded.map(op)).not.toContain("discountAutomaticAppCreate");
    expect(recorded.map(op)).toContain("metafieldsSet");
  });

  test("without the deployed Function nothing is created and the status says so", async () => {
    answers = ["shopify-functions.empty.json"];
    expect(await activateCheckoutDiscount({ db, shopId, admin: port(), now: new Date() })).toEqual({
      functionFound: false,
      discountId: null,
      active: false,
    });
    expect(recorded.map(op)).toEqual(["shopifyFunctions"]);
    answers = ["shopify-functions.empty.json"];
    expect(await checkoutDiscountStatus({ db, shopId, admin: port() })).toEqual({
      functionFound: false,
      discountId: null,
      active: false,
    });
  });

  test("a refused creation leaves nothing claimed, so the next onboarding tries again", async () => {
    answers = ["shopify-functions.page2.json", "discount-automatic-app-create.user-errors.json"];
    await expect(activateCheckoutDiscount({ db, shopId, admin: port(), now: new Date() })).rejects.toThrowError(
      /Function not found/,
    );
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).guardDiscountId).toBeNull();
  });
});
