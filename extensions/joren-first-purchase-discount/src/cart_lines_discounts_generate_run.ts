// cart.lines.discounts.generate.run: the first-purchase discount, for logged-in buyers with no
// orders only. Every other case returns no operation — a repeat customer, a guest (Functions
// cannot see guests; Joren's emailed codes are bound to one customer instead), a missing or
// unreadable configuration, a discount created without the ORDER class, or a fixed amount
// configured in another currency than the cart's.
import { parseFirstPurchaseConfig } from "./config";
import {
  DiscountClass,
  LanguageCode,
  OrderDiscountSelectionStrategy,
  type CartInput,
  type CartLinesDiscountsGenerateRunResult,
} from "./types";

const NO_DISCOUNT: CartLinesDiscountsGenerateRunResult = { operations: [] };

export function cartLinesDiscountsGenerateRun(input: CartInput): CartLinesDiscountsGenerateRunResult {
  if (!input.discount.discountClasses.includes(DiscountClass.Order)) return NO_DISCOUNT;
  const customer = input.cart.buyerIdentity?.customer ?? null;
  if (!customer || customer.numberOfOrders !== 0) return NO_DISCOUNT;
  const config = parseFirstPurchaseConfig(input.discount.metafield?.jsonValue ?? null);
  if (!config || !config.enabled) return NO_DISCOUNT;
  if (config.kind === "amount" && config.currencyCode !== input.cart.cost.subtotalAmount.currencyCode)
    return NO_DISCOUNT;
  const japanese = input.localization.language.isoCode === LanguageCode.Ja;
  return {
    operations: [
      {
        orderDiscountsAdd: {
          selectionStrategy: OrderDiscountSelectionStrategy.First,
          candidates: [
            {
              message: japanese ? config.message.ja : config.message.en,
              targets: [{ orderSubtotal: { excludedCartLineIds: [] } }],
              // Decimal travels as a string in the Function API (the CLI's typegen maps it so)
              value:
                config.kind === "percent"
                  ? { percentage: { value: String(config.value) } }
                  : { fixedAmount: { amount: String(config.value) } },
            },
          ],
        },
      },
    ],
  };
}
