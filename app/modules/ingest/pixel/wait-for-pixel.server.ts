import type { Db } from "~/db.server";

/**
 * Waits until a shop holds at least `events` storefront events (the demo and the benchmark wait
 * for the server's pixel queue to apply what it accepted). Returns false on timeout.
 */
export async function waitForPixelEvents(
  db: Db,
  shopId: string,
  events: number,
  timeoutMs: number,
  pollMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await db.behaviourEvent.count({ where: { shopId } })) >= events) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
