import type { Tx } from "~/db.server";
import { normalizeEmail } from "~/lib/email";
import { moneyToNumber } from "~/lib/money";
import type { ShopScope } from "~/modules/mirror/types";
import { pointsBalance } from "~/modules/mirror/points/points-ledger.server";

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
          messages: { orderBy: { createdAt: "asc" } },
          pointsEntries: { orderBy: { occurredAt: "asc" } },
          pointsLots: { where: { remaining: { gt: 0 }, expiresAt: { gt: scope.now } }, orderBy: { expiresAt: "asc" } },
          backInStockSubscriptions: true,
        },
      })
    : [];
  const balances = await pointsBalance(
    tx,
    scope.shopId,
    customers.map((c) => c.id),
    scope.now,
  );
  const addresses = [
    ...new Set([emailNormalized, ...customers.map((c) => c.emailNormalized)].filter((e): e is string => !!e)),
  ];
  const suppressions = addresses.length
    ? await tx.suppression.findMany({
        where: { shopId: scope.shopId, emailNormalized: { in: addresses } },
        select: { emailNormalized: true, reason: true, at: true },
      })
    : [];
  // double opt-in requests naming the address, confirmed or not: the address and what it asked for
  const optInRequests = addresses.length
    ? await tx.optInRequest.findMany({
        where: { shopId: scope.shopId, emailNormalized: { in: addresses } },
        orderBy: { requestedAt: "asc" },
        select: {
          emailNormalized: true,
          purpose: true,
          productGid: true,
          variantGid: true,
          locale: true,
          status: true,
          requestedAt: true,
          sentAt: true,
          confirmedAt: true,
        },
      })
    : [];
  const document = {
    generatedAt: scope.now.toISOString(),
    request: { customerGid: input.customerGid, email: emailNormalized },
    customers: customers.map((c) => ({
      gid: c.gid,
      email: c.email,
      firstName: c.firstName,
      lastName: c.lastName,
      phone: c.phone,
      locale: c.locale,
      birthDate: c.birthDate,
      emailConsent: c.emailConsent,
      emailConsentAt: c.emailConsentAt?.toISOString() ?? null,
      phase: c.phase,
      ordersCount: c.ordersCount,
      netSpend: moneyToNumber(c.netSpend),
      orders: c.orders.map((o) => ({
        gid: o.gid,
        name: o.name,
        createdAt: o.shopifyCreatedAt.toISOString(),
        totalPrice: moneyToNumber(o.totalPrice),
        totalRefunded: moneyToNumber(o.totalRefunded),
        currency: o.currency,
        discountCodes: JSON.parse(o.discountCodes) as string[],
        lines: o.lines.map((l) => ({ title: l.title, quantity: l.quantity, price: moneyToNumber(l.price) })),
      })),
      checkouts: c.checkouts.map((k) => ({
        token: k.token,
        createdAt: k.shopifyCreatedAt.toISOString(),
        completedAt: k.completedAt?.toISOString() ?? null,
      })),
      storefrontEvents: c.behaviour.map((e) => ({
        name: e.name,
        productGid: e.productGid,
        occurredAt: e.occurredAt.toISOString(),
      })),
      visitors: c.visitors.map((v) => ({
        clientId: v.clientId,
        firstSeenAt: v.firstSeenAt.toISOString(),
        lastSeenAt: v.lastSeenAt.toISOString(),
      })),
      // the marketing Joren decided about, and what happened to it
      emails: c.messages.map((m) => ({
        scenario: m.scenario,
        status: m.status,
        reason: m.reason,
        email: m.email,
        subject: m.subject,
        couponCode: m.couponCode,
        plannedAt: m.createdAt.toISOString(),
        sentAt: m.sentAt?.toISOString() ?? null,
        deliveredAt: m.deliveredAt?.toISOString() ?? null,
        openedAt: m.openedAt?.toISOString() ?? null,
        clickedAt: m.clickedAt?.toISOString() ?? null,
        unsubscribedAt: m.unsubscribedAt?.toISOString() ?? null,
      })),
      points: {
        balance: balances.get(c.id)?.balance ?? 0,
        entries: c.pointsEntries.map((e) => ({
          kind: e.kind,
          points: e.points,
          orderGid: e.orderGid,
          reason: e.reason,
          occurredAt: e.occurredAt.toISOString(),
        })),
        expiring: c.pointsLots.map((l) => ({ points: l.remaining, expiresAt: l.expiresAt.toISOString() })),
      },
      backInStockSubscriptions: c.backInStockSubscriptions.map((b) => ({
        productGid: b.productGid,
        variantGid: b.variantGid,
        source: b.source,
        consentAt: b.consentAt.toISOString(),
        locale: b.locale,
      })),
    })),
    suppressions: suppressions.map((x) => ({ email: x.emailNormalized, reason: x.reason, at: x.at.toISOString() })),
    optInRequests: optInRequests.map((r) => ({
      email: r.emailNormalized,
      purpose: r.purpose,
      productGid: r.productGid,
      variantGid: r.variantGid,
      locale: r.locale,
      status: r.status,
      requestedAt: r.requestedAt.toISOString(),
      confirmationSentAt: r.sentAt?.toISOString() ?? null,
      confirmedAt: r.confirmedAt?.toISOString() ?? null,
    })),
  };
  const saved = await tx.dataRequest.create({
    data: {
      shopId: scope.shopId,
      customerGid: input.customerGid,
      email: emailNormalized,
      export: JSON.stringify(document),
    },
  });
  return { dataRequestId: saved.id, customers: customers.length };
}
