import type { Db, Tx } from "~/db.server";
import { isUniqueViolation } from "~/lib/db-errors";
import { normalizeEmail } from "~/lib/email";
import { toGid } from "~/lib/gid";
import type { ParsedPixelEvent } from "./pixel-event-schema";
import { customerOfCheckouts, linkVisitor } from "../../mirror/visitors/visitor-links.server";

/** The pixel named a shop that is not (or no longer) installed. */
export class UnknownShopError extends Error {
  override readonly name = "UnknownShopError";
  constructor(readonly shopDomain: string) {
    super(`no installed shop with domain ${shopDomain}`);
  }
}

export interface RecordPixelEventsInput {
  shopDomain: string;
  customer: { id?: unknown; email?: string | null } | null;
  events: ParsedPixelEvent[];
  now: Date;
}

export interface RecordPixelEventsResult {
  stored: number;
  duplicates: number;
}

const MAX_ATTEMPTS = 3;

/**
 * Records the browser (clientId) and what it claims, and returns the customer its events carry:
 * its verified link only. The request's customer id and email are unsigned claims: they are kept
 * on the visitor and never pick the person (ADR 0024). A checkout token in this request, or in the
 * browser's earlier checkout_started events while it is unlinked, joins it to the customer of a
 * mirrored checkout of this shop with that token; a newer checkout moves the link.
 */
async function touchVisitor(
  tx: Tx,
  shopId: string,
  clientId: string,
  claims: { email: string | null; customerGid: string | null },
  tokens: string[],
  now: Date,
): Promise<string | null> {
  const where = { shopId_clientId: { shopId, clientId } };
  const existing = await tx.visitor.findUnique({ where });
  if (!existing) {
    await tx.visitor.create({
      data: {
        shopId,
        clientId,
        email: claims.email,
        claimedCustomerGid: claims.customerGid,
        firstSeenAt: now,
        lastSeenAt: now,
      },
    });
  } else {
    await tx.visitor.update({
      where,
      data: {
        lastSeenAt: existing.lastSeenAt > now ? existing.lastSeenAt : now,
        ...(claims.email ? { email: claims.email } : {}),
        ...(claims.customerGid ? { claimedCustomerGid: claims.customerGid } : {}),
      },
    });
  }
  // An unlinked browser retries its earlier tokens: the checkout webhook may have been mirrored
  // while this browser's checkout_started was still in flight (two transactions that missed
  // each other on PostgreSQL), so the next event repairs it.
  const candidates = existing?.customerId ? tokens : [...tokens, ...(await earlierTokens(tx, shopId, clientId))];
  const checkoutCustomer = await customerOfCheckouts(tx, shopId, candidates);
  if (checkoutCustomer && checkoutCustomer !== existing?.customerId) {
    await linkVisitor(tx, shopId, clientId, checkoutCustomer, "checkout", now);
    return checkoutCustomer;
  }
  return existing?.customerId ?? null;
}

async function earlierTokens(tx: Tx, shopId: string, clientId: string): Promise<string[]> {
  const rows = await tx.behaviourEvent.findMany({
    where: { shopId, clientId, name: "checkout_started", checkoutToken: { not: null } },
    select: { checkoutToken: true },
    orderBy: { occurredAt: "desc" },
    take: 5,
  });
  return rows.flatMap((r) => (r.checkoutToken ? [r.checkoutToken] : []));
}

async function recordOnce(db: Db, input: RecordPixelEventsInput): Promise<RecordPixelEventsResult> {
  return db.$transaction(async (tx) => {
    const shop = await tx.shop.findUnique({
      where: { domain: input.shopDomain },
      select: { id: true, uninstalledAt: true },
    });
    if (!shop || shop.uninstalledAt) throw new UnknownShopError(input.shopDomain);
    if (input.events.length === 0) return { stored: 0, duplicates: 0 };

    const claims = {
      email: normalizeEmail(input.customer?.email) ?? firstCheckoutEmail(input.events),
      customerGid: toGid("Customer", input.customer?.id),
    };
    const customerByClient = new Map<string, string | null>();
    for (const clientId of new Set(input.events.map((e) => e.clientId))) {
      const tokens = input.events.flatMap((e) =>
        e.clientId === clientId && e.checkout?.token ? [e.checkout.token] : [],
      );
      customerByClient.set(clientId, await touchVisitor(tx, shop.id, clientId, claims, tokens, input.now));
    }

    const known = await tx.behaviourEvent.findMany({
      where: { shopId: shop.id, eventId: { in: [...new Set(input.events.map((e) => e.eventId))] } },
      select: { eventId: true },
    });
    const seen = new Set(known.map((e) => e.eventId));
    const fresh: ParsedPixelEvent[] = [];
    for (const event of input.events) {
      if (seen.has(event.eventId)) continue;
      seen.add(event.eventId);
      fresh.push(event);
    }
    if (fresh.length > 0) {
      await tx.behaviourEvent.createMany({
        data: fresh.map((e) => ({
          shopId: shop.id,
          eventId: e.eventId,
          name: e.name,
          clientId: e.clientId,
          customerId: customerByClient.get(e.clientId) ?? null,
          productGid: e.productGid,
          variantGid: e.variantGid,
          quantity: e.quantity,
          checkoutToken: e.checkout?.token ?? null,
          url: e.url,
          occurredAt: e.occurredAt,
          receivedAt: input.now,
        })),
      });
    }
    return { stored: fresh.length, duplicates: input.events.length - fresh.length };
  });
}

function firstCheckoutEmail(events: ParsedPixelEvent[]): string | null {
  for (const event of events) {
    const email = normalizeEmail(event.checkout?.email);
    if (email) return email;
  }
  return null;
}

/**
 * Stores one pixel request in one transaction: the visitor with its claims and verified link,
 * and its events, each event once per shop. Throws UnknownShopError for a shop that is missing or uninstalled.
 */
export async function recordPixelEvents(db: Db, input: RecordPixelEventsInput): Promise<RecordPixelEventsResult> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await recordOnce(db, input);
    } catch (error) {
      // Two requests carrying the same new event (a retry racing its original) both pass the
      // duplicate check; the loser's insert fails on the unique key and, retried, sees the row.
      if (!isUniqueViolation(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
