import type { Tx } from "~/db.server";
import { normalizeEmail } from "~/lib/email";
import { storedNotNewerThan } from "~/lib/newer-wins";
import type { NormalizedOrder, ShopScope } from "~/modules/mirror/types";
import {
  ensureCustomerByEmail,
  ensureCustomerByGid,
  upsertCustomer,
} from "~/modules/mirror/customers/upsert-customer.server";
import { recomputeCustomerRollups } from "~/modules/mirror/customers/recompute-rollups.server";
import { syncOrderPoints } from "~/modules/mirror/points/points-ledger.server";
import { isCountedOrder, isPaidStatus } from "./order-counting";
import { reconcileOrderRefunds, recordRefund } from "./record-refund.server";

async function resolveOrderCustomer(tx: Tx, scope: ShopScope, order: NormalizedOrder): Promise<string | null> {
  if (order.customer) return (await upsertCustomer(tx, scope, order.customer, { consentSource: "order" })).id;
  if (order.customerGid) return ensureCustomerByGid(tx, scope, order.customerGid, order.email);
  // a guest who ticked "email me" at checkout is subscribed; unticked never unsubscribes
  const consent = order.buyerAcceptsMarketing
    ? { state: "SUBSCRIBED" as const, optInLevel: "SINGLE_OPT_IN", updatedAt: order.createdAt }
    : null;
  return ensureCustomerByEmail(tx, scope, order.email, {
    locale: order.customerLocale,
    consent,
    consentSource: "order",
  });
}

/**
 * Mirrors an order (upsert if newer), its lines and the refunds it lists; links it to the
 * person (account, or guest joined by email); marks its checkout completed; recomputes the
 * person's rollups; and hands a first payment to the engine as a trigger.
 */
export async function recordOrder(
  tx: Tx,
  scope: ShopScope,
  order: NormalizedOrder,
): Promise<{ orderId: string; customerId: string | null; applied: boolean }> {
  const existing = await tx.order.findUnique({ where: { shopId_gid: { shopId: scope.shopId, gid: order.gid } } });
  let stale = Boolean(existing?.shopifyUpdatedAt && order.updatedAt && order.updatedAt < existing.shopifyUpdatedAt);
  let customerId = stale ? existing!.customerId : await resolveOrderCustomer(tx, scope, order);

  let orderId = existing?.id ?? "";
  let paidAt = existing?.paidAt ?? null;
  let counted = existing?.counted ?? false;
  if (!stale) {
    const data = {
      name: order.name,
      customerId,
      customerGid: order.customerGid,
      email: order.email,
      emailNormalized: normalizeEmail(order.email),
      currency: order.currency,
      totalPrice: order.totalPrice,
      subtotalPrice: order.subtotalPrice,
      totalDiscounts: order.totalDiscounts,
      financialStatus: order.financialStatus,
      fulfillmentStatus: order.fulfillmentStatus,
      cancelledAt: order.cancelledAt,
      cancelReason: order.cancelReason,
      paidAt:
        order.paidAt ??
        existing?.paidAt ??
        (isPaidStatus(order.financialStatus) ? (order.updatedAt ?? order.createdAt) : null),
      discountCodes: JSON.stringify(order.discountCodes),
      checkoutToken: order.checkoutToken,
      cartToken: order.cartToken,
      sourceName: order.sourceName,
      customerLocale: order.customerLocale,
      test: order.test,
      shopifyCreatedAt: order.createdAt,
      shopifyUpdatedAt: order.updatedAt,
      counted: isCountedOrder({ ...order, totalRefunded: existing?.totalRefunded ?? 0n }),
    };
    if (existing) {
      // "not older than what we hold" is part of the UPDATE (app/lib/newer-wins.ts)
      const written = await tx.order.updateMany({
        where: { id: existing.id, ...storedNotNewerThan(order.updatedAt) },
        data,
      });
      if (written.count === 0) {
        // a newer version was written by another worker since the read above: it stands
        stale = true;
        const current = await tx.order.findUniqueOrThrow({ where: { id: existing.id } });
        customerId = current.customerId;
        paidAt = current.paidAt;
        counted = current.counted;
      }
    } else {
      orderId = (await tx.order.create({ data: { shopId: scope.shopId, gid: order.gid, ...data } })).id;
    }
    if (!stale) {
      paidAt = data.paidAt;
      counted = data.counted;
      if (existing) await tx.orderLine.deleteMany({ where: { orderId } });
      if (order.lines.length > 0) {
        await tx.orderLine.createMany({
          data: order.lines.map((line) => ({ shopId: scope.shopId, orderId, ...line })),
        });
      }
    }
  }

  for (const refund of order.refunds) await recordRefund(tx, scope, orderId, refund);
  // lines were rewritten: their refunded quantities come back from the refunds held
  if (order.refunds.length > 0 || (existing?.totalRefunded ?? 0n) > 0n) {
    counted = (await reconcileOrderRefunds(tx, scope, orderId)).counted;
  }

  if (order.checkoutToken) {
    await tx.checkout.updateMany({
      where: { shopId: scope.shopId, token: order.checkoutToken, completedAt: null },
      data: { completedAt: order.createdAt },
    });
  }

  const previousCustomerId = existing?.customerId ?? null;
  if (customerId) await recomputeCustomerRollups(tx, scope, customerId);
  if (previousCustomerId && previousCustomerId !== customerId)
    await recomputeCustomerRollups(tx, scope, previousCustomerId);
  // points follow the order's state (paid, refunded, cancelled, its customer), whatever the webhook order
  await syncOrderPoints(tx, scope, { orderId });

  if (paidAt && counted) {
    await tx.trigger.upsert({
      where: { shopId_kind_subjectKey: { shopId: scope.shopId, kind: "order_paid", subjectKey: order.gid } },
      create: {
        shopId: scope.shopId,
        kind: "order_paid",
        subjectKey: order.gid,
        customerId,
        data: JSON.stringify({ orderId }),
        occurredAt: paidAt,
      },
      update: {},
    });
  }
  return { orderId, customerId, applied: !stale };
}

/** orders/delete: the order is gone from Shopify, so it leaves the mirror and the rollups. */
export async function deleteOrder(tx: Tx, scope: ShopScope, orderGid: string): Promise<boolean> {
  const existing = await tx.order.findUnique({ where: { shopId_gid: { shopId: scope.shopId, gid: orderGid } } });
  if (!existing) return false;
  await tx.order.delete({ where: { id: existing.id } });
  await syncOrderPoints(tx, scope, { gid: orderGid });
  if (existing.customerId) await recomputeCustomerRollups(tx, scope, existing.customerId);
  return true;
}
