// What the history import writes, for comparing two databases (a resumed import with a clean one).
import type { Db } from "~/db.server";

/** Everything the import writes, without row ids and wall-clock columns. */
export async function importedMirror(db: Db) {
  const products = await db.product.findMany({
    orderBy: { gid: "asc" },
    select: {
      gid: true,
      title: true,
      handle: true,
      status: true,
      productType: true,
      vendor: true,
      tags: true,
      imageUrl: true,
      publishedAt: true,
      shopifyUpdatedAt: true,
      variants: {
        orderBy: { gid: "asc" },
        select: {
          gid: true,
          title: true,
          sku: true,
          price: true,
          inventoryItemGid: true,
          available: true,
          inventoryPolicy: true,
        },
      },
    },
  });
  const customers = await db.customer.findMany({
    orderBy: [{ gid: "asc" }, { emailNormalized: "asc" }],
    select: {
      gid: true,
      email: true,
      emailNormalized: true,
      firstName: true,
      lastName: true,
      phone: true,
      locale: true,
      state: true,
      tags: true,
      emailConsent: true,
      emailConsentAt: true,
      emailConsentOptInLevel: true,
      emailConsentSource: true,
      birthDate: true,
      shopifyCreatedAt: true,
      shopifyUpdatedAt: true,
      ordersCount: true,
      netSpend: true,
      netSpend365: true,
      firstOrderAt: true,
      secondOrderAt: true,
      lastOrderAt: true,
      ltv30: true,
      ltv90: true,
      ltv180: true,
      ltv365: true,
      phase: true,
    },
  });
  const orders = await db.order.findMany({
    orderBy: { gid: "asc" },
    select: {
      gid: true,
      name: true,
      customerGid: true,
      email: true,
      currency: true,
      totalPrice: true,
      subtotalPrice: true,
      totalDiscounts: true,
      totalRefunded: true,
      financialStatus: true,
      fulfillmentStatus: true,
      cancelledAt: true,
      cancelReason: true,
      counted: true,
      paidAt: true,
      discountCodes: true,
      shopifyCreatedAt: true,
      shopifyUpdatedAt: true,
      customer: { select: { gid: true, emailNormalized: true } },
      lines: {
        orderBy: { gid: "asc" },
        select: { gid: true, productGid: true, variantGid: true, quantity: true, price: true, refundedQuantity: true },
      },
      refunds: { orderBy: { gid: "asc" }, select: { gid: true, amount: true, lines: true, refundedAt: true } },
    },
  });
  const triggers = await db.trigger.findMany({
    orderBy: [{ kind: "asc" }, { subjectKey: "asc" }],
    select: { kind: true, subjectKey: true, occurredAt: true },
  });
  const rows = {
    products: await db.product.count(),
    variants: await db.variant.count(),
    customers: await db.customer.count(),
    orders: await db.order.count(),
    orderLines: await db.orderLine.count(),
    refunds: await db.refund.count(),
  };
  return { rows, products, customers, orders, triggers };
}
