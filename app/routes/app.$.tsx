// Any other address under /app: the styled "not found" page inside the admin (in its language),
// not the bare document the root would show.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { AdminErrorBoundary } from "~/components/AdminErrorBoundary";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireAdminShop(request);
  throw new Response(null, { status: 404 });
};

export default function NotFound() {
  return null;
}

export const ErrorBoundary = AdminErrorBoundary;
