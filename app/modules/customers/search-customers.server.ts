// The Customers page's search: by email or name, optionally one phase, newest activity first.
// Redacted people are left out (nothing of them remains to show).
import type { Prisma, Tx } from "~/db.server";

import type { CustomerPhase } from "./customer-phases";

export const CUSTOMER_PAGE_SIZE = 50;

export interface CustomerListItem {
  id: string;
  email: string | null;
  name: string | null;
  phase: string;
  ordersCount: number;
  /** net spend, milli-units of the shop currency, as a decimal string (JSON has no bigint) */
  netSpend: string;
  lastOrderAt: string | null;
  emailConsent: string;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export async function searchCustomers(
  db: Tx,
  shopId: string,
  options: { query?: string; phase?: CustomerPhase | null; limit?: number },
): Promise<CustomerListItem[]> {
  const query = options.query?.trim() ?? "";
  // SQLite's LIKE ignores ASCII case, PostgreSQL's does not: emails are matched on their
  // normalised (lower-case) form, names as typed and capitalised.
  const variants = [...new Set([query, query.toLowerCase(), capitalized(query)])];
  const where: Prisma.CustomerWhereInput = {
    shopId,
    redactedAt: null,
    deletedAt: null,
    ...(options.phase ? { phase: options.phase } : {}),
    ...(query
      ? {
          OR: [
            { emailNormalized: { contains: query.toLowerCase() } },
            ...variants.flatMap((v) => [{ firstName: { contains: v } }, { lastName: { contains: v } }]),
          ],
        }
      : {}),
  };
  const rows = await db.customer.findMany({
    where,
    orderBy: [{ lastOrderAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }, { id: "asc" }],
    take: Math.min(Math.max(options.limit ?? CUSTOMER_PAGE_SIZE, 1), 200),
    select: { id: true, email: true, firstName: true, lastName: true, phase: true, ordersCount: true, netSpend: true, lastOrderAt: true, emailConsent: true },
  });
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    name: [row.firstName, row.lastName].filter(Boolean).join(" ") || null,
    phase: row.phase,
    ordersCount: row.ordersCount,
    netSpend: row.netSpend.toString(),
    lastOrderAt: row.lastOrderAt?.toISOString() ?? null,
    emailConsent: row.emailConsent,
  }));
}
