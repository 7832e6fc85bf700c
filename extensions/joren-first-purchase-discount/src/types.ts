// The Function's input and output types, generated from Shopify's Discount Function API schema
// (schema.graphql) and the input query by graphql-code-generator — the `codegen` block in
// package.json, which `shopify app function typegen` and `shopify app deploy` run. Regenerate
// with `npm run codegen:function` after changing the query; tests/unit/discount-function checks
// the committed generated/api.ts is current.
export {
  CurrencyCode,
  DiscountClass,
  LanguageCode,
  OrderDiscountSelectionStrategy,
  type CartInput,
  type CartLinesDiscountsGenerateRunResult,
  type CartOperation,
  type OrderDiscountCandidate,
} from "../generated/api";
