import type { Db } from "~/db.server";

/**
 * Waits until a shop's inbox holds nothing pending or in progress (the demo and the benchmark
 * wait for the server's worker to apply what they sent). Returns false on timeout.
 */
export async function waitForInboxDrained(db: Db, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await db.webhookReceipt.count({ where: { status: { in: ["pending", "processing"] } } })) === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
