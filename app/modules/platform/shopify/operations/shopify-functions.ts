// shopifyFunctions (Admin API 2026-04): the app's own Shopify Functions deployed to the shop,
// so onboarding can find the first-purchase Discount Function's id by its extension handle.
import { z } from "zod";
import type { AdminOperation } from "./operation";

export const SHOPIFY_FUNCTIONS = /* GraphQL */ `
  query shopifyFunctions($after: String) {
    shopifyFunctions(first: 50, after: $after) {
      nodes {
        id
        handle
        title
        apiType
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

const data = z.object({
  shopifyFunctions: z.object({
    nodes: z.array(
      z.object({
        id: z.string(),
        handle: z
          .string()
          .nullish()
          .transform((v) => v ?? null),
        title: z.string(),
        apiType: z.string(),
      }),
    ),
    pageInfo: z.object({
      hasNextPage: z.boolean(),
      endCursor: z
        .string()
        .nullish()
        .transform((v) => v ?? null),
    }),
  }),
});

export type ShopifyFunctionsData = z.infer<typeof data>;

export const shopifyFunctions: AdminOperation<ShopifyFunctionsData> = {
  name: "shopifyFunctions",
  document: SHOPIFY_FUNCTIONS,
  data,
};
