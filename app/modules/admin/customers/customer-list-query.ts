// The Customers page's query string: search, filters, sort and page, parsed once for the loader
// and written back for links (client and server alike). Unknown values fall back to the default
// instead of failing: a hand-edited URL still shows a list.
import { z } from "zod";
import { RFM_SEGMENTS } from "~/modules/reports/types";
import { CUSTOMER_PHASES } from "../../mirror/customers/customer-phases";

export const CUSTOMER_PAGE_SIZE = 50;
export const CUSTOMER_SORTS = ["last_order", "spend", "orders"] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];
/** Shopify's email marketing states as the mirror stores them. */
export const CONSENT_STATES = [
  "SUBSCRIBED",
  "PENDING",
  "NOT_SUBSCRIBED",
  "UNSUBSCRIBED",
  "INVALID",
  "REDACTED",
] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

const orNull = <T extends z.ZodType>(schema: T) => schema.nullable().catch(null);

export const customerListQuery = z.object({
  q: z
    .string()
    .trim()
    .max(200)
    .catch((ctx) =>
      String(ctx.value ?? "")
        .trim()
        .slice(0, 200),
    )
    .default(""),
  phase: orNull(z.enum(CUSTOMER_PHASES)).default(null),
  segment: orNull(z.enum(RFM_SEGMENTS)).default(null),
  consent: orNull(z.enum(CONSENT_STATES)).default(null),
  sort: z.enum(CUSTOMER_SORTS).catch("last_order").default("last_order"),
  dir: z.enum(["desc", "asc"]).catch("desc").default("desc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type CustomerListQuery = z.infer<typeof customerListQuery>;

export function parseCustomerListQuery(params: URLSearchParams): CustomerListQuery {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(customerListQuery.shape)) {
    const value = params.get(key);
    if (value !== null && value !== "") raw[key] = value;
  }
  return customerListQuery.parse(raw);
}

/** The query string for a list state, defaults left out so links stay short. */
export function customerListSearch(query: CustomerListQuery, change: Partial<CustomerListQuery> = {}): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.q) params.set("q", next.q);
  if (next.phase) params.set("phase", next.phase);
  if (next.segment) params.set("segment", next.segment);
  if (next.consent) params.set("consent", next.consent);
  if (next.sort !== "last_order") params.set("sort", next.sort);
  if (next.dir !== "desc") params.set("dir", next.dir);
  if (next.page > 1) params.set("page", String(next.page));
  const text = params.toString();
  return text ? `?${text}` : "";
}
