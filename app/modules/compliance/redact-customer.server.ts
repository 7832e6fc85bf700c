import type { Tx } from "~/db.server";
import { normalizeEmail } from "~/lib/email";
import type { ShopScope } from "~/modules/ingest/types";

/**
 * customers/redact: erase the person. PII goes (profile, emails on orders and checkouts,
 * behaviour, visitors, data exports); what stays is anonymous: the orders' amounts and dates,
 * tied to a customer row that no longer names anyone, so reports keep their totals.
 */
export async function redactCustomer(
  tx: Tx,
  scope: ShopScope,
  input: { customerGid: string | null; email: string | null; orderGids: string[] },
): Promise<{ customers: number }> {
  const emailNormalized = normalizeEmail(input.email);
  const or = [
    ...(input.customerGid ? [{ gid: input.customerGid }] : []),
    ...(emailNormalized ? [{ emailNormalized }] : []),
  ];
  const customers = or.length
    ? await tx.customer.findMany({ where: { shopId: scope.shopId, OR: or }, select: { id: true } })
    : [];
  const ids = customers.map((c) => c.id);

  const orderScope = {
    shopId: scope.shopId,
    OR: [
      ...(ids.length ? [{ customerId: { in: ids } }] : []),
      ...(emailNormalized ? [{ emailNormalized }] : []),
      ...(input.orderGids.length ? [{ gid: { in: input.orderGids } }] : []),
    ],
  };
  if (orderScope.OR.length) {
    await tx.order.updateMany({ where: orderScope, data: { email: null, emailNormalized: null, customerGid: null, checkoutToken: null, cartToken: null } });
  }
  const checkoutScope = {
    shopId: scope.shopId,
    OR: [...(ids.length ? [{ customerId: { in: ids } }] : []), ...(emailNormalized ? [{ emailNormalized }] : [])],
  };
  if (checkoutScope.OR.length) await tx.checkout.deleteMany({ where: checkoutScope });
  if (ids.length) {
    await tx.behaviourEvent.deleteMany({ where: { shopId: scope.shopId, customerId: { in: ids } } });
    const visitors = await tx.visitor.findMany({ where: { shopId: scope.shopId, customerId: { in: ids } }, select: { clientId: true } });
    if (visitors.length) {
      await tx.behaviourEvent.deleteMany({ where: { shopId: scope.shopId, clientId: { in: visitors.map((v) => v.clientId) } } });
    }
    await tx.visitor.deleteMany({ where: { shopId: scope.shopId, customerId: { in: ids } } });
    await tx.trigger.deleteMany({ where: { shopId: scope.shopId, customerId: { in: ids } } });
    await tx.customer.updateMany({
      where: { id: { in: ids } },
      data: {
        gid: null, email: null, emailNormalized: null, firstName: null, lastName: null, phone: null,
        locale: null, tags: null, state: null, birthDate: null,
        emailConsent: "REDACTED", emailConsentAt: scope.now, emailConsentOptInLevel: null, emailConsentSource: "redact",
        redactedAt: scope.now,
      },
    });
  }
  const exportScope = [
    ...(input.customerGid ? [{ customerGid: input.customerGid }] : []),
    ...(emailNormalized ? [{ email: emailNormalized }] : []),
  ];
  if (exportScope.length) await tx.dataRequest.deleteMany({ where: { shopId: scope.shopId, OR: exportScope } });
  return { customers: ids.length };
}
