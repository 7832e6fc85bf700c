import { describe, expect, test } from "vitest";
import { groupBulkLines, type BulkItem } from "./group-bulk-lines";
import {
  InvalidBulkRowError,
  fulfillmentStatusFromDisplay,
  normalizeBulkCustomer,
  normalizeBulkOrder,
  normalizeBulkProduct,
  validBirthDate,
  type BulkGroup,
} from "./normalize-bulk";

// Hand-written the way Shopify writes a grouped bulk result: one JSON object per line, each
// child (variant, line item) after its parent and naming it in __parentId.
const PRODUCTS_JSONL = `
{"id":"gid://shopify/Product/9007199254740993","title":"Sencha 100g","handle":"sencha-100g","status":"ACTIVE","productType":"Tea","vendor":"Joren Tea","tags":["green","loose leaf"],"publishedAt":"2025-01-10T00:00:00Z","updatedAt":"2026-02-01T09:30:00Z","featuredMedia":{"preview":{"image":{"url":"https://cdn.shopify.com/s/files/1/sencha.jpg"}}}}
{"id":"gid://shopify/ProductVariant/44000000000001","title":"Default Title","sku":"SEN-100","price":"1480.00","inventoryQuantity":12,"inventoryPolicy":"DENY","updatedAt":"2026-02-01T09:30:00Z","inventoryItem":{"id":"gid://shopify/InventoryItem/46000000000001"},"__parentId":"gid://shopify/Product/9007199254740993"}
{"id":"gid://shopify/ProductVariant/44000000000002","title":"Gift box","sku":"","price":"1980","inventoryQuantity":0,"inventoryPolicy":"CONTINUE","updatedAt":null,"inventoryItem":{"id":"gid://shopify/InventoryItem/46000000000002"},"__parentId":"gid://shopify/Product/9007199254740993"}
{"id":"gid://shopify/Product/2","title":"Kyusu teapot","handle":"kyusu","status":"DRAFT","productType":"","vendor":"Tokoname","tags":[],"publishedAt":null,"updatedAt":"2026-01-05T00:00:00Z","featuredMedia":null}
`.trim();

async function itemsOf(jsonl: string, skip = 0): Promise<BulkItem[]> {
  async function* lines() {
    for (const line of jsonl.split("\n")) yield line;
  }
  const items: BulkItem[] = [];
  for await (const item of groupBulkLines(lines(), skip)) items.push(item);
  return items;
}

function objects(items: BulkItem[]): BulkGroup[] {
  return items.flatMap((item) => (item.kind === "object" ? [{ parent: item.parent, children: item.children }] : []));
}

describe("groupBulkLines", () => {
  test("groups each parent with the children that follow it and counts lines", async () => {
    const items = await itemsOf(PRODUCTS_JSONL);
    expect(items.map((i) => [i.kind, i.lineCount])).toEqual([
      ["object", 3],
      ["object", 1],
    ]);
    const [first] = objects(items);
    expect(first!.children).toHaveLength(2);
  });

  test("skipping lines resumes at an item boundary", async () => {
    const items = await itemsOf(PRODUCTS_JSONL, 3);
    expect(objects(items).map((g) => g.parent.id)).toEqual(["gid://shopify/Product/2"]);
  });

  test("a child without its parent and a broken line are reported, not attached", async () => {
    const jsonl = [
      `{"id":"gid://shopify/Order/1","createdAt":"2026-01-01T00:00:00Z"}`,
      `{"id":"gid://shopify/LineItem/5","__parentId":"gid://shopify/Order/999"}`,
      `not json`,
      ``,
      `{"id":"gid://shopify/Order/2","createdAt":"2026-01-01T00:00:00Z"}`,
    ].join("\n");
    const items = await itemsOf(jsonl);
    expect(items.map((i) => i.kind)).toEqual(["object", "invalid", "invalid", "blank", "object"]);
    expect(items.reduce((sum, i) => sum + i.lineCount, 0)).toBe(5);
  });

  test("big integers in a line survive parsing", async () => {
    const items = await itemsOf(`{"id":"gid://shopify/Order/1","legacy":820982911946154508}`);
    expect(objects(items)[0]!.parent.legacy).toBe("820982911946154508");
  });
});

describe("normalizeBulkProduct", () => {
  test("a product with its variants", async () => {
    const [sencha, kyusu] = objects(await itemsOf(PRODUCTS_JSONL)).map(normalizeBulkProduct);
    expect(sencha).toEqual({
      gid: "gid://shopify/Product/9007199254740993",
      title: "Sencha 100g",
      handle: "sencha-100g",
      status: "active",
      productType: "Tea",
      vendor: "Joren Tea",
      tags: "green, loose leaf",
      imageUrl: "https://cdn.shopify.com/s/files/1/sencha.jpg",
      publishedAt: new Date("2025-01-10T00:00:00Z"),
      updatedAt: new Date("2026-02-01T09:30:00Z"),
      variants: [
        {
          gid: "gid://shopify/ProductVariant/44000000000001",
          title: "Default Title",
          sku: "SEN-100",
          price: 1_480_000n,
          inventoryItemGid: "gid://shopify/InventoryItem/46000000000001",
          inventoryQuantity: 12,
          inventoryPolicy: "deny",
          updatedAt: new Date("2026-02-01T09:30:00Z"),
        },
        {
          gid: "gid://shopify/ProductVariant/44000000000002",
          title: "Gift box",
          sku: "",
          price: 1_980_000n,
          inventoryItemGid: "gid://shopify/InventoryItem/46000000000002",
          inventoryQuantity: 0,
          inventoryPolicy: "continue",
          // a variant without its own timestamp takes the product's
          updatedAt: new Date("2026-02-01T09:30:00Z"),
        },
      ],
    });
    expect(kyusu).toMatchObject({
      status: "draft",
      productType: null,
      tags: null,
      imageUrl: null,
      publishedAt: null,
      variants: [],
    });
  });

  test("a bad price is an invalid row carrying the product's GID", () => {
    const group: BulkGroup = {
      parent: { id: "gid://shopify/Product/3", title: "X", updatedAt: "2026-01-01T00:00:00Z" },
      children: [{ id: "gid://shopify/ProductVariant/4", price: "12,00", __parentId: "gid://shopify/Product/3" }],
    };
    expect(() => normalizeBulkProduct(group)).toThrowError(InvalidBulkRowError);
    try {
      normalizeBulkProduct(group);
    } catch (error) {
      expect((error as InvalidBulkRowError).gid).toBe("gid://shopify/Product/3");
    }
  });

  test("an id of the wrong resource type is refused", () => {
    expect(() =>
      normalizeBulkProduct({ parent: { id: "gid://shopify/Order/3", title: "X" }, children: [] }),
    ).toThrowError(/not a Product id/);
  });
});

describe("normalizeBulkCustomer", () => {
  const row = {
    id: "gid://shopify/Customer/9007199254740993",
    email: " Hanako.Sato@Example.jp ",
    firstName: "Hanako",
    lastName: "Sato",
    phone: "+81312345678",
    locale: "ja",
    state: "ENABLED",
    tags: ["vip", "newsletter"],
    createdAt: "2024-05-01T03:00:00Z",
    updatedAt: "2026-02-10T12:00:00+09:00",
    emailMarketingConsent: {
      marketingState: "SUBSCRIBED",
      marketingOptInLevel: "SINGLE_OPT_IN",
      consentUpdatedAt: "2024-05-01T03:01:00Z",
    },
    metafield: { value: "1990-04-15" },
  };

  test("maps every field, keeping the big id exact", () => {
    expect(normalizeBulkCustomer({ parent: row, children: [] })).toEqual({
      gid: "gid://shopify/Customer/9007199254740993",
      email: "Hanako.Sato@Example.jp",
      firstName: "Hanako",
      lastName: "Sato",
      phone: "+81312345678",
      locale: "ja",
      state: "enabled",
      tags: "vip, newsletter",
      consent: { state: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", updatedAt: new Date("2024-05-01T03:01:00Z") },
      birthDate: "1990-04-15",
      createdAt: new Date("2024-05-01T03:00:00Z"),
      updatedAt: new Date("2026-02-10T03:00:00Z"),
    });
  });

  test("an undated consent is dated at the customer's creation; an unknown state is dropped", () => {
    const undated = normalizeBulkCustomer({
      parent: {
        ...row,
        emailMarketingConsent: { marketingState: "NOT_SUBSCRIBED", marketingOptInLevel: null, consentUpdatedAt: null },
      },
      children: [],
    });
    expect(undated.consent).toEqual({
      state: "NOT_SUBSCRIBED",
      optInLevel: null,
      updatedAt: new Date("2024-05-01T03:00:00Z"),
    });
    const unknown = normalizeBulkCustomer({
      parent: {
        ...row,
        emailMarketingConsent: { marketingState: "SOMETHING_NEW", marketingOptInLevel: null, consentUpdatedAt: null },
      },
      children: [],
    });
    expect(unknown.consent).toBeNull();
  });

  test("a customer without email, consent or birthday", () => {
    const bare = normalizeBulkCustomer({
      parent: {
        id: "gid://shopify/Customer/5",
        email: null,
        firstName: null,
        lastName: null,
        tags: [],
        emailMarketingConsent: null,
        metafield: null,
        createdAt: "2025-01-01T00:00:00Z",
        updatedAt: "2025-01-01T00:00:00Z",
      },
      children: [],
    });
    expect(bare).toMatchObject({ email: null, tags: null, consent: null, birthDate: null, phone: null });
  });

  test("birth dates must be real YYYY-MM-DD dates", () => {
    expect(validBirthDate("1990-04-15")).toBe("1990-04-15");
    expect(validBirthDate("2000-02-29")).toBe("2000-02-29");
    expect(validBirthDate("2001-02-29")).toBeNull();
    expect(validBirthDate("1990-4-15")).toBeNull();
    expect(validBirthDate("15/04/1990")).toBeNull();
    expect(validBirthDate("1800-01-01")).toBeNull();
    expect(validBirthDate(null)).toBeNull();
  });

  test("a malformed timestamp is an invalid row", () => {
    expect(() => normalizeBulkCustomer({ parent: { ...row, updatedAt: "yesterday" }, children: [] })).toThrowError(
      InvalidBulkRowError,
    );
  });
});

describe("normalizeBulkOrder", () => {
  const ORDER_JSONL = `
{"id":"gid://shopify/Order/820982911946154508","name":"#1001","email":"hanako.sato@example.jp","customer":{"id":"gid://shopify/Customer/9007199254740993"},"currencyCode":"JPY","totalPriceSet":{"shopMoney":{"amount":"4440.0"}},"subtotalPriceSet":{"shopMoney":{"amount":"3960.0"}},"totalDiscountsSet":{"shopMoney":{"amount":"500.0"}},"totalRefundedSet":{"shopMoney":{"amount":"1480.0"}},"displayFinancialStatus":"PARTIALLY_REFUNDED","displayFulfillmentStatus":"FULFILLED","cancelledAt":null,"cancelReason":null,"processedAt":"2026-01-20T01:00:00Z","createdAt":"2026-01-20T01:00:05Z","updatedAt":"2026-01-25T08:00:00Z","discountCodes":["WELCOME500"],"sourceName":"web","customerLocale":"ja","test":false,"refunds":[{"id":"gid://shopify/Refund/930000000001","createdAt":"2026-01-25T08:00:00Z","note":"damaged","totalRefundedSet":{"shopMoney":{"amount":"1480.0"}}}]}
{"id":"gid://shopify/LineItem/13000000000001","title":"Sencha 100g","variantTitle":null,"sku":"SEN-100","quantity":2,"originalUnitPriceSet":{"shopMoney":{"amount":"1480.0"}},"totalDiscountSet":{"shopMoney":{"amount":"500.0"}},"product":{"id":"gid://shopify/Product/9007199254740993"},"variant":{"id":"gid://shopify/ProductVariant/44000000000001"},"__parentId":"gid://shopify/Order/820982911946154508"}
{"id":"gid://shopify/LineItem/13000000000002","title":"Custom engraving","variantTitle":null,"sku":null,"quantity":1,"originalUnitPriceSet":{"shopMoney":{"amount":"1000.0"}},"totalDiscountSet":{"shopMoney":{"amount":"0.0"}},"product":null,"variant":null,"__parentId":"gid://shopify/Order/820982911946154508"}
`.trim();

  test("an order with its lines and refund headers", async () => {
    const [order] = objects(await itemsOf(ORDER_JSONL)).map(normalizeBulkOrder);
    expect(order).toEqual({
      gid: "gid://shopify/Order/820982911946154508",
      name: "#1001",
      customer: null,
      customerGid: "gid://shopify/Customer/9007199254740993",
      email: "hanako.sato@example.jp",
      currency: "JPY",
      totalPrice: 4_440_000n,
      subtotalPrice: 3_960_000n,
      totalDiscounts: 500_000n,
      financialStatus: "partially_refunded",
      fulfillmentStatus: "fulfilled",
      cancelledAt: null,
      cancelReason: null,
      paidAt: new Date("2026-01-20T01:00:00Z"),
      discountCodes: ["WELCOME500"],
      checkoutToken: null,
      cartToken: null,
      sourceName: "web",
      customerLocale: "ja",
      test: false,
      buyerAcceptsMarketing: null,
      createdAt: new Date("2026-01-20T01:00:05Z"),
      updatedAt: new Date("2026-01-25T08:00:00Z"),
      lines: [
        {
          gid: "gid://shopify/LineItem/13000000000001",
          productGid: "gid://shopify/Product/9007199254740993",
          variantGid: "gid://shopify/ProductVariant/44000000000001",
          title: "Sencha 100g",
          variantTitle: null,
          sku: "SEN-100",
          quantity: 2,
          price: 1_480_000n,
          totalDiscount: 500_000n,
        },
        {
          gid: "gid://shopify/LineItem/13000000000002",
          productGid: null,
          variantGid: null,
          title: "Custom engraving",
          variantTitle: null,
          sku: null,
          quantity: 1,
          price: 1_000_000n,
          totalDiscount: 0n,
        },
      ],
      refunds: [
        {
          gid: "gid://shopify/Refund/930000000001",
          amount: 1_480_000n,
          lines: [],
          note: "damaged",
          createdAt: new Date("2026-01-25T08:00:00Z"),
        },
      ],
    });
  });

  test("a guest order, a cancelled order, and refund lines given inline", () => {
    const guest = normalizeBulkOrder({
      parent: {
        id: "gid://shopify/Order/7",
        email: "Guest@Example.com",
        customer: null,
        currencyCode: "USD",
        totalPriceSet: { shopMoney: { amount: "19.99" } },
        displayFinancialStatus: "VOIDED",
        displayFulfillmentStatus: "UNFULFILLED",
        cancelledAt: "2026-01-02T00:00:00Z",
        cancelReason: "CUSTOMER",
        createdAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-02T00:00:00Z",
        refunds: [
          {
            id: "gid://shopify/Refund/8",
            createdAt: "2026-01-02T00:00:00Z",
            note: null,
            totalRefundedSet: { shopMoney: { amount: "19.99" } },
            refundLineItems: { nodes: [{ lineItem: { id: "gid://shopify/LineItem/9" }, quantity: 1 }] },
          },
        ],
      },
      children: [],
    });
    expect(guest).toMatchObject({
      customerGid: null,
      email: "Guest@Example.com",
      totalPrice: 19_990n,
      subtotalPrice: 0n,
      financialStatus: "voided",
      fulfillmentStatus: null,
      cancelReason: "customer",
      paidAt: null,
      discountCodes: [],
      test: false,
    });
    expect(guest.refunds[0]!.lines).toEqual([{ lineGid: "gid://shopify/LineItem/9", quantity: 1 }]);
  });

  test("an order without a creation time is an invalid row", () => {
    expect(() =>
      normalizeBulkOrder({
        parent: { id: "gid://shopify/Order/1", totalPriceSet: { shopMoney: { amount: "1" } } },
        children: [],
      }),
    ).toThrowError(InvalidBulkRowError);
  });

  test("fulfillment statuses map to the webhook values", () => {
    expect(fulfillmentStatusFromDisplay("FULFILLED")).toBe("fulfilled");
    expect(fulfillmentStatusFromDisplay("PARTIALLY_FULFILLED")).toBe("partial");
    expect(fulfillmentStatusFromDisplay("RESTOCKED")).toBe("restocked");
    expect(fulfillmentStatusFromDisplay("UNFULFILLED")).toBeNull();
    expect(fulfillmentStatusFromDisplay(null)).toBeNull();
  });
});
