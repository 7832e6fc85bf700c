// metafieldsSet (Admin API 2026-04): writes metafields on any owner; Joren uses it to update the
// first-purchase Discount Function's configuration on an existing discount.
import { z } from "zod";
import { userErrorsSchema, type AdminOperation } from "./operation";

export const METAFIELDS_SET = /* GraphQL */ `
  mutation metafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
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
  metafieldsSet: z.object({
    metafields: z.array(z.object({ id: z.string() })).nullable(),
    userErrors: userErrorsSchema,
  }),
});

export const metafieldsSet: AdminOperation<z.infer<typeof data>> = {
  name: "metafieldsSet",
  document: METAFIELDS_SET,
  data,
};
