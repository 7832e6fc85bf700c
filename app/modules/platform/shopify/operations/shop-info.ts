// shop { name currencyCode ianaTimezone } (Admin API 2026-04).
import { z } from "zod";
import type { AdminOperation } from "./operation";

export const SHOP_INFO = /* GraphQL */ `
  query shopInfo {
    shop {
      name
      currencyCode
      ianaTimezone
    }
  }
`;

const data = z.object({
  shop: z.object({ name: z.string(), currencyCode: z.string(), ianaTimezone: z.string() }),
});

export const shopInfo: AdminOperation<z.infer<typeof data>> = {
  name: "shop",
  document: SHOP_INFO,
  data,
};
