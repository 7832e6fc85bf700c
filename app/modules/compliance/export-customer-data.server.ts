import type { Tx } from "~/db.server";
import { normalizeEmail } from "~/lib/email";
import { moneyToNumber } from "~/lib/money";
import type { ShopScope } from "~/modules/ingest/types";

/**
 * customers/data_request: assemble everything Joren holds about the person and keep it for
 * the merchant (Shopify expects the merchant to hand it over; Joren has no channel to the buyer).
 */
export async function exportCustomerData(
  tx: Tx,
  scope: ShopScope,
  input: { customerGid: string | null; email: string | null },
): Promise<{ dataRequestId: string; customers: number }> {
  const emailNormalized = normalizeEmail(input.email);
  const or = [
    ...(input.customerGid ? [{ gid: input.customerGid }] : []),
    ...(emailNormalized ? [{ emailNormalized }] : []),
  ];
  const customers = or.length
    ? await tx.customer.findMany({
        where: { shopId: scope.shopId, OR: or, redactedAt: null },
        include: {
          orders: { include: { lines: true, refunds: true } },
          checkouts: true,
          behaviour: { orderBy: { occurredAt: "asc" } },
          visitors: true,
        },
      })
    : [];
  const document = {
    generatedAt: scope.now.toISOString(),
    request: { customerGid: input.customerGid, email: emailNormalized },
    customers: customers.map((c) => ({
      gid: c.gid, email: c.email, firstName: c.firstName, lastName: c.lastName, phone: c.phone, locale: c.locale,
      birthDate: c.birthDate, emailConsent: c.emailConsent, emailConsentAt: c.emailConsentAt?.toISOString() ?? null,
      phase: c.phase, ordersCount: c.ordersCount, netSpend: moneyToNumber(c.netSpend),
      orders: c.orders.map((o) => ({
        gid: o.gid, name: o.name, createdAt: o.shopifyCreatedAt.toISOString(), totalPrice: moneyToNumber(o.totalPrice),
        totalRefunded: moneyToNumber(o.totalRefunded), currency: o.currency, discountCodes: JSON.parse(o.discountCodes) as string[],
        lines: o.lines.map((l) => ({ title: l.title, quantity: l.quantity, price: moneyToNumber(l.price) })),
      })),
      checkouts: c.checkouts.map((k) => ({ token: k.token, createdAt: k.shopifyCreatedAt.toISOString(), completedAt: k.completedAt?.toISOString() ?? null })),
      storefrontEvents: c.behaviour.map((e) => ({ name: e.name, productGid: e.productGid, occurredAt: e.occurredAt.toISOString() })),
      visitors: c.visitors.map((v) => ({ clientId: v.clientId, firstSeenAt: v.firstSeenAt.toISOString(), lastSeenAt: v.lastSeenAt.toISOString() })),
    })),
  };
  const saved = await tx.dataRequest.create({
    data: { shopId: scope.shopId, customerGid: input.customerGid, email: emailNormalized, export: JSON.stringify(document) },
  });
  return { dataRequestId: saved.id, customers: customers.length };
}
