// CSV export of one report (a resource route). The admin fetches it with the session token in
// the Authorization header (App Bridge adds it to fetch) and saves the response as a file.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { ReportRangeError, resolveReportRange } from "~/modules/reports";
import { isCsvReport } from "~/modules/reports/export/report-csv";
import { reportCsvFor } from "~/modules/reports/export/report-csv.server";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const url = new URL(request.url);
  const report = url.searchParams.get("report") ?? "";
  if (!isCsvReport(report))
    return new Response(`unknown report "${report}": use one of the report names of the Reports page`, { status: 400 });
  let range;
  try {
    range = await resolveReportRange(db, shop.id, {
      from: url.searchParams.get("from"),
      to: url.searchParams.get("to"),
    });
  } catch (error) {
    if (error instanceof ReportRangeError) return new Response(error.message, { status: 400 });
    throw error;
  }
  const csv = await reportCsvFor(db, shop.id, range, report);
  const filename = `joren-${report}-${range.fromDate}-${range.toDate}.csv`;
  // A byte-order mark, so spreadsheet programs read Japanese text as UTF-8.
  return new Response(`\uFEFF${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
};
