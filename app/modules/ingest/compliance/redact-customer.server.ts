import type { Tx } from "~/db.server";
import { forgetRecipient } from "~/modules/engine/message-ledger.server";
import { normalizeEmail } from "~/lib/email";
import type { ShopScope } from "~/modules/mirror/types";
import { confirmationMessageId } from "~/modules/delivery/opt-in/opt-in.server";
import { writeTombstones } from "../../mirror/compliance/tombstones.server";

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
  await writeTombstones(tx, scope.shopId, { customerGid: input.customerGid, email: input.email }, scope.now);

  const orderScope = {
    shopId: scope.shopId,
    OR: [
      ...(ids.length ? [{ customerId: { in: ids } }] : []),
      ...(emailNormalized ? [{ emailNormalized }] : []),
      ...(input.orderGids.length ? [{ gid: { in: input.orderGids } }] : []),
    ],
  };
  if (orderScope.OR.length) {
    await tx.order.updateMany({
      where: orderScope,
      data: { email: null, emailNormalized: null, customerGid: null, checkoutToken: null, cartToken: null },
    });
  }
  const checkoutScope = {
    shopId: scope.shopId,
    OR: [...(ids.length ? [{ customerId: { in: ids } }] : []), ...(emailNormalized ? [{ emailNormalized }] : [])],
  };
  if (checkoutScope.OR.length) await tx.checkout.deleteMany({ where: checkoutScope });
  if (ids.length) {
    await tx.behaviourEvent.deleteMany({ where: { shopId: scope.shopId, customerId: { in: ids } } });
    const visitors = await tx.visitor.findMany({
      where: { shopId: scope.shopId, customerId: { in: ids } },
      select: { clientId: true },
    });
    if (visitors.length) {
      await tx.behaviourEvent.deleteMany({
        where: { shopId: scope.shopId, clientId: { in: visitors.map((v) => v.clientId) } },
      });
    }
    await tx.visitor.deleteMany({ where: { shopId: scope.shopId, customerId: { in: ids } } });
    await tx.trigger.deleteMany({ where: { shopId: scope.shopId, customerId: { in: ids } } });
    await tx.customer.updateMany({
      where: { id: { in: ids } },
      data: {
        gid: null,
        email: null,
        emailNormalized: null,
        firstName: null,
        lastName: null,
        phone: null,
        locale: null,
        tags: null,
        state: null,
        birthDate: null,
        emailConsent: "REDACTED",
        emailConsentAt: scope.now,
        emailConsentOptInLevel: null,
        emailConsentSource: "redact",
        redactedAt: scope.now,
      },
    });
  }
  if (emailNormalized || input.customerGid) {
    // a browser that only claimed to be this person (the pixel's unsigned email or customer id)
    const byClaim = [
      ...(emailNormalized ? [{ email: emailNormalized }] : []),
      ...(input.email ? [{ email: input.email.trim() }] : []),
      ...(input.customerGid ? [{ claimedCustomerGid: input.customerGid }] : []),
    ];
    const byEmail = await tx.visitor.findMany({
      where: { shopId: scope.shopId, OR: byClaim },
      select: { clientId: true },
    });
    if (byEmail.length) {
      await tx.behaviourEvent.deleteMany({
        where: { shopId: scope.shopId, clientId: { in: byEmail.map((v) => v.clientId) } },
      });
      await tx.visitor.deleteMany({
        where: { shopId: scope.shopId, clientId: { in: byEmail.map((v) => v.clientId) } },
      });
    }
  }
  await eraseMailTraces(tx, scope, ids, input.email, emailNormalized);
  const exportScope = [
    ...(input.customerGid ? [{ customerGid: input.customerGid }] : []),
    ...(emailNormalized ? [{ email: emailNormalized }] : []),
  ];
  if (exportScope.length) await tx.dataRequest.deleteMany({ where: { shopId: scope.shopId, OR: exportScope } });
  return { customers: ids.length };
}

/**
 * The mail side of the erasure: the stored copies of emails sent to the person (local outbox),
 * the address and subject on ledger rows (the rows stay, anonymous, for the scenario reports),
 * suppressions of the address (the person is gone: a future customer with this address decides
 * again through Shopify's consent), and raw webhook bodies still holding the address. A webhook
 * about the person that is not applied yet is dropped: nothing of them may be written after this.
 */
async function eraseMailTraces(
  tx: Tx,
  scope: ShopScope,
  ids: string[],
  email: string | null,
  emailNormalized: string | null,
): Promise<void> {
  const messageScope = {
    shopId: scope.shopId,
    OR: [
      ...(ids.length ? [{ customerId: { in: ids } }] : []),
      ...(email ? [{ email }] : []),
      ...(emailNormalized ? [{ email: emailNormalized }] : []),
    ],
  };
  if (messageScope.OR.length) {
    const messages = await tx.message.findMany({ where: messageScope, select: { id: true } });
    if (messages.length) {
      await tx.outboxEmail.deleteMany({
        where: { shopId: scope.shopId, messageId: { in: messages.map((m) => m.id) } },
      });
      await forgetRecipient(
        tx,
        scope.shopId,
        messages.map((m) => m.id),
      );
    }
  }
  if (!emailNormalized) return;
  // double opt-in requests naming the address (confirmed or not), and their confirmation emails
  const requests = await tx.optInRequest.findMany({
    where: { shopId: scope.shopId, emailNormalized },
    select: { id: true },
  });
  if (requests.length) {
    await tx.outboxEmail.deleteMany({
      where: { shopId: scope.shopId, messageId: { in: requests.map((r) => confirmationMessageId(r.id)) } },
    });
    await tx.optInRequest.deleteMany({ where: { shopId: scope.shopId, id: { in: requests.map((r) => r.id) } } });
  }
  await tx.outboxEmail.deleteMany({
    where: { shopId: scope.shopId, OR: [{ toEmail: emailNormalized }, ...(email ? [{ toEmail: email }] : [])] },
  });
  await tx.suppression.deleteMany({ where: { shopId: scope.shopId, emailNormalized } });
  const mentions = [...new Set([emailNormalized, ...(email ? [email.trim()] : [])])].map((e) => ({
    body: { contains: e },
  }));
  // the receipt being applied now (customers/redact itself) is "processing" and clears its own body when done
  await tx.webhookReceipt.updateMany({
    where: { shopId: scope.shopId, status: "pending", OR: mentions },
    data: { status: "skipped", error: "dropped: the customer was redacted", body: null },
  });
  await tx.webhookReceipt.updateMany({
    where: { shopId: scope.shopId, status: { notIn: ["pending", "processing"] }, OR: mentions },
    data: { body: null },
  });
}
