// The Function's input and output, as the input query (cart_lines_discounts_generate_run.graphql)
// and the Discount Function API (2026-04) shape them. `shopify app function typegen` generates
// the same types into generated/api.ts from Shopify's schema; these hand-written ones keep the
// code and its tests typed without the CLI.
export type DiscountClass = "ORDER" | "PRODUCT" | "SHIPPING";

export interface CartInput {
  cart: {
    buyerIdentity: {
      /** null for a guest: a Function cannot tell who a guest is */
      customer: { id: string; numberOfOrders: number } | null;
    } | null;
    cost: { subtotalAmount: { currencyCode: string } };
  };
  discount: {
    discountClasses: DiscountClass[];
    metafield: { jsonValue: unknown } | null;
  };
  localization: { language: { isoCode: string } };
}

export interface OrderDiscountCandidate {
  message: string;
  targets: { orderSubtotal: { excludedCartLineIds: string[] } }[];
  value: { percentage: { value: number } } | { fixedAmount: { amount: number } };
}

export interface CartOperation {
  orderDiscountsAdd: {
    candidates: OrderDiscountCandidate[];
    selectionStrategy: "FIRST" | "MAXIMUM";
  };
}

export interface CartLinesDiscountsGenerateRunResult {
  operations: CartOperation[];
}
