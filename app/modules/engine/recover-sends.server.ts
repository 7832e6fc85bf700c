import type { Db } from "~/db.server";

/**
 * A row left in "sending" past its claim means a process died between claiming it and recording
 * the result. If the local outbox holds it, it was sent. If it does not and the transport is the
 * outbox itself (`retryUndelivered`: its record is in this database, so absence proves it never
 * went out), it is due again at once and goes through every rule again. Otherwise (SendGrid,
 * which may have accepted it before the crash and has no idempotency key) it is NOT retried —
 * an email twice is worse than a missed reminder — and the reason says so.
 */
export async function recoverInterruptedSends(db: Db, shopId: string, now: Date, options: { retryUndelivered?: boolean } = {}): Promise<number> {
  const stuck = await db.message.findMany({
    where: { shopId, status: "sending", claimedUntil: { lt: now } },
    select: { id: true },
  });
  if (stuck.length === 0) return 0;
  const inOutbox = new Set(
    (await db.outboxEmail.findMany({ where: { shopId, messageId: { in: stuck.map((s) => s.id) } }, select: { messageId: true } })).map((o) => o.messageId),
  );
  for (const { id } of stuck) {
    await db.message.updateMany({
      where: { id, status: "sending" },
      data: inOutbox.has(id)
        ? { status: "sent", sentAt: now, reason: "recovered after an interruption: the outbox holds it", claimedBy: null, claimedUntil: null }
        : options.retryUndelivered
          ? { status: "deferred", deferredUntil: now, reason: "interrupted before it was stored; retried", claimedBy: null, claimedUntil: null }
          : { status: "failed", reason: "interrupted while sending; not retried, so it can never arrive twice", claimedBy: null, claimedUntil: null },
    });
  }
  return stuck.length;
}
