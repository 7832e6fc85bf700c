// discountAutomaticAppCreate (Admin API 2026-04): an automatic discount backed by one of the
// app's Discount Functions, with the Function's configuration in a metafield on the discount.
import { z } from "zod";
import { userErrorsSchema, type AdminOperation } from "./operation";

export const DISCOUNT_AUTOMATIC_APP_CREATE = /* GraphQL */ `
  mutation discountAutomaticAppCreate($automaticAppDiscount: DiscountAutomaticAppInput!) {
    discountAutomaticAppCreate(automaticAppDiscount: $automaticAppDiscount) {
      automaticAppDiscount {
        discountId
        status
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
  discountAutomaticAppCreate: z.object({
    automaticAppDiscount: z.object({ discountId: z.string(), status: z.string() }).nullable(),
    userErrors: userErrorsSchema,
  }),
});

export const discountAutomaticAppCreate: AdminOperation<z.infer<typeof data>> = {
  name: "discountAutomaticAppCreate",
  document: DISCOUNT_AUTOMATIC_APP_CREATE,
  data,
};
