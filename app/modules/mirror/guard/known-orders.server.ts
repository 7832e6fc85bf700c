// The guard's view of "has this person ordered before": by customer id AND by normalised email.
// Rollups already fold guest orders into the account with the same email, but a person can
// still be split across rows (an account whose email changed, a guest row created while the
// account had another address, an order that names the email but not the account). A
// first-purchase offer must be withheld if ANY of those shows a counted order.
import type { Db } from "~/db.server";
import { queryInChunks } from "~/lib/chunks";

export interface GuardCustomer {
  id: string;
  emailNormalized: string | null;
  ordersCount: number;
}

/**
 * For each customer: the largest counted-order count known for the person — their own rollup,
 * another customer row with the same email, or counted orders carrying that email. Only
 * "zero or not" matters to the guard, so the maximum (never a sum) is enough and never overcounts.
 */
export async function knownOrderCounts(
  db: Db,
  shopId: string,
  customers: readonly GuardCustomer[],
): Promise<Map<string, number>> {
  const result = new Map(customers.map((c) => [c.id, Math.max(0, c.ordersCount)]));
  const emails = [...new Set(customers.flatMap((c) => (c.emailNormalized ? [c.emailNormalized] : [])))];
  if (emails.length === 0) return result;
  const rows = await queryInChunks(emails, (chunk) =>
    db.customer.groupBy({
      by: ["emailNormalized"],
      where: { shopId, emailNormalized: { in: chunk }, ordersCount: { gt: 0 } },
      _max: { ordersCount: true },
    }),
  );
  const orders = await queryInChunks(emails, (chunk) =>
    db.order.groupBy({
      by: ["emailNormalized"],
      where: { shopId, emailNormalized: { in: chunk }, counted: true },
      _count: { _all: true },
    }),
  );
  const byEmail = new Map<string, number>();
  const raise = (email: string | null, n: number) => {
    if (email) byEmail.set(email, Math.max(byEmail.get(email) ?? 0, n));
  };
  for (const row of rows) raise(row.emailNormalized, row._max.ordersCount ?? 0);
  for (const row of orders) raise(row.emailNormalized, row._count._all);
  for (const c of customers) {
    if (c.emailNormalized) result.set(c.id, Math.max(result.get(c.id) ?? 0, byEmail.get(c.emailNormalized) ?? 0));
  }
  return result;
}
