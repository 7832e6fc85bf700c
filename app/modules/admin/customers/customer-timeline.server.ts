// One customer's profile for the admin: the rollups and a timeline of orders, storefront events
// and Joren's messages, newest first. Three bounded queries (one per kind), merged in memory.
import type { Tx } from "~/db.server";

const PER_KIND = 100;

export type TimelineItem =
  | {
      kind: "order";
      at: string;
      name: string | null;
      total: string;
      refunded: string;
      counted: boolean;
      cancelled: boolean;
    }
  | { kind: "event"; at: string; name: string; productTitle: string | null; url: string | null }
  | {
      kind: "message";
      at: string;
      scenario: string;
      status: string;
      subject: string | null;
      reason: string | null;
      opened: boolean;
      clicked: boolean;
    };

export interface CustomerProfile {
  id: string;
  email: string | null;
  name: string | null;
  phase: string;
  emailConsent: string;
  locale: string | null;
  ordersCount: number;
  netSpend: string;
  netSpend365: string;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  timeline: TimelineItem[];
}

/** null when the shop has no such customer (or only a redacted one). */
export async function getCustomerProfile(db: Tx, shopId: string, customerId: string): Promise<CustomerProfile | null> {
  const customer = await db.customer.findFirst({ where: { id: customerId, shopId, redactedAt: null } });
  if (!customer) return null;
  const [orders, events, messages] = await Promise.all([
    db.order.findMany({
      where: { shopId, customerId },
      orderBy: { shopifyCreatedAt: "desc" },
      take: PER_KIND,
      select: {
        name: true,
        totalPrice: true,
        totalRefunded: true,
        counted: true,
        cancelledAt: true,
        shopifyCreatedAt: true,
      },
    }),
    db.behaviourEvent.findMany({
      where: { shopId, customerId },
      orderBy: { occurredAt: "desc" },
      take: PER_KIND,
      select: { name: true, productGid: true, url: true, occurredAt: true },
    }),
    db.message.findMany({
      where: { shopId, customerId },
      orderBy: { createdAt: "desc" },
      take: PER_KIND,
      select: {
        scenario: true,
        status: true,
        subject: true,
        reason: true,
        dueAt: true,
        sentAt: true,
        openedAt: true,
        clickedAt: true,
      },
    }),
  ]);
  const productGids = [...new Set(events.flatMap((e) => (e.productGid ? [e.productGid] : [])))];
  const products = productGids.length
    ? await db.product.findMany({ where: { shopId, gid: { in: productGids } }, select: { gid: true, title: true } })
    : [];
  const titles = new Map(products.map((p) => [p.gid, p.title]));
  const timeline: TimelineItem[] = [
    ...orders.map((o): TimelineItem => ({
      kind: "order",
      at: o.shopifyCreatedAt.toISOString(),
      name: o.name,
      total: o.totalPrice.toString(),
      refunded: o.totalRefunded.toString(),
      counted: o.counted,
      cancelled: o.cancelledAt !== null,
    })),
    ...events.map((e): TimelineItem => ({
      kind: "event",
      at: e.occurredAt.toISOString(),
      name: e.name,
      productTitle: e.productGid ? (titles.get(e.productGid) ?? null) : null,
      url: e.url,
    })),
    ...messages.map((m): TimelineItem => ({
      kind: "message",
      at: (m.sentAt ?? m.dueAt).toISOString(),
      scenario: m.scenario,
      status: m.status,
      subject: m.subject,
      reason: m.reason,
      opened: m.openedAt !== null,
      clicked: m.clickedAt !== null,
    })),
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return {
    id: customer.id,
    email: customer.email,
    name: [customer.firstName, customer.lastName].filter(Boolean).join(" ") || null,
    phase: customer.phase,
    emailConsent: customer.emailConsent,
    locale: customer.locale,
    ordersCount: customer.ordersCount,
    netSpend: customer.netSpend.toString(),
    netSpend365: customer.netSpend365.toString(),
    firstOrderAt: customer.firstOrderAt?.toISOString() ?? null,
    lastOrderAt: customer.lastOrderAt?.toISOString() ?? null,
    timeline,
  };
}
