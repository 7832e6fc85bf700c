// shopLocales (Admin API 2026-04): the shop's primary locale. It needs the read_locales scope,
// so it is its own document: without the scope the port reports the locale as unknown instead
// of failing the whole shop query.
import { z } from "zod";
import type { AdminOperation } from "./operation";

export const SHOP_LOCALES = /* GraphQL */ `
  query shopLocales {
    shopLocales {
      locale
      primary
      published
    }
  }
`;

const data = z.object({
  shopLocales: z.array(z.object({ locale: z.string(), primary: z.boolean(), published: z.boolean().nullish() })),
});

export const shopLocales: AdminOperation<z.infer<typeof data>> = {
  name: "shopLocales",
  document: SHOP_LOCALES,
  data,
};
