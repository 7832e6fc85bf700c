import type { Db, Tx } from "~/db.server";
import { isUniqueViolation } from "~/lib/db-errors";
import { normalizeEmail } from "~/lib/email";
import { toGid } from "~/lib/gid";
import type { ParsedPixelEvent } from "./pixel-event-schema";

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
 * The person behind the request, among the shop's existing customers only: pixel data is
 * unsigned, so it never creates a customer and a claimed id counts only if the shop has it.
 */
async function identifyCustomer(tx: Tx, shopId: string, claimedId: unknown, email: string | null): Promise<string | null> {
  const live = { shopId, redactedAt: null, deletedAt: null };
  const gid = toGid("Customer", claimedId);
  if (gid) {
    const byGid = await tx.customer.findFirst({ where: { ...live, gid }, select: { id: true } });
    if (byGid) return byGid.id;
  }
  if (!email) return null;
  const candidates = await tx.customer.findMany({
    where: { ...live, emailNormalized: email },
    select: { id: true, gid: true },
    orderBy: { createdAt: "asc" },
  });
  return (candidates.find((c) => c.gid) ?? candidates[0])?.id ?? null;
}

/** Ties each browser (clientId) to the person, returning the customer its new events carry. */
async function touchVisitor(
  tx: Tx,
  shopId: string,
  clientId: string,
  identified: string | null,
  email: string | null,
  now: Date,
): Promise<string | null> {
  const where = { shopId_clientId: { shopId, clientId } };
  const existing = await tx.visitor.findUnique({ where });
  if (!existing) {
    await tx.visitor.create({ data: { shopId, clientId, customerId: identified, email, firstSeenAt: now, lastSeenAt: now } });
    return identified;
  }
  await tx.visitor.update({
    where,
    data: {
      lastSeenAt: existing.lastSeenAt > now ? existing.lastSeenAt : now,
      ...(identified ? { customerId: identified } : {}),
      ...(email ? { email } : {}),
    },
  });
  if (identified && existing.customerId === null) {
    // The browsing before the login or the checkout email belongs to the same person.
    await tx.behaviourEvent.updateMany({ where: { shopId, clientId, customerId: null }, data: { customerId: identified } });
  }
  return identified ?? existing.customerId;
}

async function recordOnce(db: Db, input: RecordPixelEventsInput): Promise<RecordPixelEventsResult> {
  return db.$transaction(async (tx) => {
    const shop = await tx.shop.findUnique({ where: { domain: input.shopDomain }, select: { id: true, uninstalledAt: true } });
    if (!shop || shop.uninstalledAt) throw new UnknownShopError(input.shopDomain);
    if (input.events.length === 0) return { stored: 0, duplicates: 0 };

    const email = normalizeEmail(input.customer?.email) ?? firstCheckoutEmail(input.events);
    const identified = await identifyCustomer(tx, shop.id, input.customer?.id, email);

    const customerByClient = new Map<string, string | null>();
    for (const clientId of new Set(input.events.map((e) => e.clientId))) {
      customerByClient.set(clientId, await touchVisitor(tx, shop.id, clientId, identified, email, input.now));
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
 * Stores one pixel request in one transaction: the visitor, who it is, and its events, each
 * event once per shop. Throws UnknownShopError for a shop that is missing or uninstalled.
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
