// discountCodeBasicCreate (Admin API 2026-04): an amount-off code limited by `context` to one
// customer, usable once (appliesOncePerCustomer + usageLimit 1). The guest-proof guard relies
// on this binding: Discount Functions cannot see guests, but a bound code refuses them.
import { z } from "zod";
import { userErrorsSchema, type AdminOperation } from "./operation";

export const DISCOUNT_CODE_BASIC_CREATE = /* GraphQL */ `
  mutation discountCodeBasicCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

const data = z.object({
  discountCodeBasicCreate: z.object({
    codeDiscountNode: z.object({ id: z.string() }).nullable(),
    userErrors: userErrorsSchema,
  }),
});

export const discountCodeBasicCreate: AdminOperation<z.infer<typeof data>> = {
  name: "discountCodeBasicCreate",
  document: DISCOUNT_CODE_BASIC_CREATE,
  data,
};
