// The test send's customer picker (a resource route): up to ten mirror customers matching a
// name or email, scoped to the shop.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { searchCustomers } from "~/modules/customers/search-customers.server";
import { requireAdminShop } from "~/modules/shops/admin-request.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const query = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 200);
  const customers = await searchCustomers(db, shop.id, { query, limit: 10 });
  return json({ customers: customers.map((c) => ({ id: c.id, name: c.name, email: c.email })) });
};
