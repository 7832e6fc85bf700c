// The test send's customer picker (a resource route): up to ten mirror customers matching a
// name or email, scoped to the shop.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { parseCustomerListQuery } from "~/modules/admin/customers/customer-list-query";
import { listCustomers } from "~/modules/admin/customers/search-customers.server";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const query = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 200);
  // the Customers page's search, first page in its default order (latest order first)
  const { items } = await listCustomers(db, shop.id, parseCustomerListQuery(new URLSearchParams({ q: query })));
  return json({ customers: items.slice(0, 10).map((c) => ({ id: c.id, name: c.name, email: c.email })) });
};
