// The state of an automatic app discount by its id (gid://shopify/DiscountAutomaticNode/…):
// null when the merchant deleted it.
import { z } from "zod";
import type { AdminOperation } from "./operation";

export const AUTOMATIC_DISCOUNT_STATUS = /* GraphQL */ `
  query automaticDiscountStatus($id: ID!) {
    node(id: $id) {
      ... on DiscountAutomaticNode {
        id
        automaticDiscount {
          __typename
          ... on DiscountAutomaticApp {
            status
            appDiscountType {
              functionId
            }
          }
        }
      }
    }
  }
`;

const data = z.object({
  node: z
    .object({
      id: z.string().optional(),
      automaticDiscount: z
        .object({
          __typename: z.string(),
          status: z.string().optional(),
          appDiscountType: z.object({ functionId: z.string() }).nullish(),
        })
        .optional(),
    })
    .nullable(),
});

export const automaticDiscountStatus: AdminOperation<z.infer<typeof data>> = {
  name: "automaticDiscountStatus",
  document: AUTOMATIC_DISCOUNT_STATUS,
  data,
};
