// POST https://{shop}/apps/joren/back-in-stock → /proxy/back-in-stock: the storefront "notify me"
// form. What the request may do is in app/modules/ingest/back-in-stock/subscribe.server.ts; signature,
// body and answer as for every proxy form (app/modules/ingest/storefront/proxy-form.server.ts).
import type { ActionFunctionArgs } from "@remix-run/node";
import {
  BACK_IN_STOCK_MESSAGES,
  BACK_IN_STOCK_STATUS,
  backInStockFormSchema,
  subscribeBackInStock,
} from "~/modules/ingest/back-in-stock/subscribe.server";
import { engineDepsForShop } from "~/modules/engine/engine-deps.server";
import { handleProxyForm, methodNotAllowed } from "~/modules/ingest/storefront/proxy-form.server";

export const loader = methodNotAllowed;

export async function action({ request }: ActionFunctionArgs) {
  return handleProxyForm(request, {
    schema: backInStockFormSchema,
    // the confirmation email goes out through the shop's own transport; Shopify is told of a subscription
    handle: (db, input) =>
      subscribeBackInStock(db, input, {
        mailer: async (domain) => engineDepsForShop(db, domain),
        admin: async (domain) => (await engineDepsForShop(db, domain)).admin,
      }),
    invalid: "invalid",
    status: BACK_IN_STOCK_STATUS,
    messages: BACK_IN_STOCK_MESSAGES,
    defaultReturnPath: "/",
    outcomeParam: "joren_back_in_stock",
  });
}
