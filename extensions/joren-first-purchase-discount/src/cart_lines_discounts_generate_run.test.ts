// The Function on typed inputs, as Shopify would hand them over for the input query.
import { cartLinesDiscountsGenerateRun } from "./cart_lines_discounts_generate_run";
import { parseFirstPurchaseConfig, type FirstPurchaseConfig } from "./config";
import { CurrencyCode, DiscountClass, LanguageCode, type CartInput } from "./types";

const CONFIG: FirstPurchaseConfig = {
  version: 1,
  enabled: true,
  kind: "percent",
  value: 10,
  currencyCode: null,
  message: { ja: "初回購入10%オフ", en: "10% off your first order" },
};

function input(options: {
  customer?: { numberOfOrders: number } | null;
  config?: unknown;
  classes?: DiscountClass[];
  language?: LanguageCode;
  currency?: CurrencyCode;
}): CartInput {
  const customer = options.customer === undefined ? { numberOfOrders: 0 } : options.customer;
  return {
    cart: {
      buyerIdentity: { customer: customer ? { id: "gid://shopify/Customer/9007199254740993", ...customer } : null },
      cost: { subtotalAmount: { currencyCode: options.currency ?? CurrencyCode.Jpy } },
    },
    discount: {
      discountClasses: options.classes ?? [DiscountClass.Order],
      metafield: options.config === null ? null : { jsonValue: options.config === undefined ? CONFIG : options.config },
    },
    localization: { language: { isoCode: options.language ?? LanguageCode.Ja } },
  };
}

describe("who gets the first-purchase discount", () => {
  test("a logged-in customer with no orders gets the configured percent off the order, in their language", () => {
    expect(cartLinesDiscountsGenerateRun(input({}))).toEqual({
      operations: [
        {
          orderDiscountsAdd: {
            selectionStrategy: "FIRST",
            candidates: [
              {
                message: "初回購入10%オフ",
                targets: [{ orderSubtotal: { excludedCartLineIds: [] } }],
                value: { percentage: { value: "10" } },
              },
            ],
          },
        },
      ],
    });
    const english = cartLinesDiscountsGenerateRun(input({ language: LanguageCode.En }));
    expect(english.operations[0]?.orderDiscountsAdd?.candidates[0]?.message).toBe("10% off your first order");
  });

  test.each([1, 2, 57])("a logged-in customer with %i orders gets nothing", (numberOfOrders) => {
    expect(cartLinesDiscountsGenerateRun(input({ customer: { numberOfOrders } }))).toEqual({ operations: [] });
  });

  test("a guest gets nothing (a Function cannot see who a guest is)", () => {
    expect(cartLinesDiscountsGenerateRun(input({ customer: null }))).toEqual({ operations: [] });
    const noIdentity = input({});
    noIdentity.cart.buyerIdentity = null;
    expect(cartLinesDiscountsGenerateRun(noIdentity)).toEqual({ operations: [] });
  });

  test("a fixed amount is granted in the configured currency only", () => {
    const amount = { ...CONFIG, kind: "amount", value: 500, currencyCode: "JPY" };
    const granted = cartLinesDiscountsGenerateRun(input({ config: amount }));
    expect(granted.operations[0]?.orderDiscountsAdd?.candidates[0]?.value).toEqual({ fixedAmount: { amount: "500" } });
    expect(cartLinesDiscountsGenerateRun(input({ config: amount, currency: CurrencyCode.Usd }))).toEqual({
      operations: [],
    });
  });

  test("a discount without the ORDER class gets no order discount", () => {
    expect(cartLinesDiscountsGenerateRun(input({ classes: [DiscountClass.Product, DiscountClass.Shipping] }))).toEqual({
      operations: [],
    });
  });
});

describe("configuration: anything unreadable means no discount", () => {
  test.each([
    ["missing metafield", null],
    ["switched off", { ...CONFIG, enabled: false }],
    ["another version", { ...CONFIG, version: 2 }],
    ["not an object", "ten percent"],
    ["broken JSON text", '{"version":1,'],
    ["percent above 100", { ...CONFIG, value: 150 }],
    ["fractional percent", { ...CONFIG, value: 12.5 }],
    ["zero", { ...CONFIG, value: 0 }],
    ["negative amount", { ...CONFIG, kind: "amount", value: -5, currencyCode: "JPY" }],
    ["amount without currency", { ...CONFIG, kind: "amount", value: 500, currencyCode: null }],
    ["unknown kind", { ...CONFIG, kind: "free_shipping" }],
    ["enabled missing", { ...CONFIG, enabled: undefined }],
  ])("%s", (_name, config) => {
    expect(cartLinesDiscountsGenerateRun(input({ config }))).toEqual({ operations: [] });
  });

  test("the configuration may arrive as JSON text; missing messages fall back to a plain label", () => {
    const parsed = parseFirstPurchaseConfig(JSON.stringify({ version: 1, enabled: true, kind: "percent", value: 5 }));
    expect(parsed).toEqual({
      version: 1,
      enabled: true,
      kind: "percent",
      value: 5,
      currencyCode: null,
      message: { ja: "初回購入割引", en: "First-purchase discount" },
    });
  });
});
