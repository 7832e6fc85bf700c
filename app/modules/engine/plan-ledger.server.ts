import type { Db } from "~/db.server";
import type { Candidate } from "~/modules/engine/scenarios/scenario-definition";
import { planMessages, reschedulePlanned } from "./message-ledger.server";

// two IN lists per query: 2 × 400 stays under SQLite's 999 bound parameters
const CHUNK = 400;

/**
 * Writes new trigger instances into the ledger (one row per shop, scenario, customer and
 * trigger key — unique in the database, so a concurrent tick cannot plan one twice). A planned
 * row whose trigger moved (e.g. more checkout activity) gets its new due time.
 */
export async function planLedgerRows(
  db: Db,
  shopId: string,
  scenario: string,
  candidates: Candidate[],
  /** the tick's now: new rows are created at it */
  now: Date,
): Promise<number> {
  let created = 0;
  for (let i = 0; i < candidates.length; i += CHUNK) {
    const chunk = candidates.slice(i, i + CHUNK);
    // By customer only: an IN list on triggerKey as well makes SQLite probe the unique index
    // for every (customer, key) pair — 160,000 probes for a chunk of 400.
    const wanted = new Set(chunk.map((c) => `${c.customerId}|${c.triggerKey}`));
    const existing = (
      await db.message.findMany({
        where: { shopId, scenario, customerId: { in: [...new Set(chunk.map((c) => c.customerId))] } },
        select: { id: true, customerId: true, triggerKey: true, status: true, dueAt: true },
      })
    ).filter((m) => wanted.has(`${m.customerId}|${m.triggerKey}`));
    const byKey = new Map(existing.map((m) => [`${m.customerId}|${m.triggerKey}`, m]));
    const fresh: Candidate[] = [];
    for (const candidate of chunk) {
      const row = byKey.get(`${candidate.customerId}|${candidate.triggerKey}`);
      if (!row) fresh.push(candidate);
      // a moved trigger (e.g. more checkout activity) is rare: updated one by one
      else if (row.status === "planned" && row.dueAt.getTime() !== candidate.dueAt.getTime()) {
        await reschedulePlanned(db, row.id, candidate.dueAt, candidate.latestUsefulAt);
      }
    }
    created += await planMessages(db, shopId, scenario, fresh, now);
  }
  return created;
}
