import type { Db } from "~/db.server";
import { isUniqueViolation } from "~/lib/db-errors";
import type { Candidate } from "~/modules/scenarios/scenario-definition";

// two IN lists per query: 2 × 400 stays under SQLite's 999 bound parameters
const CHUNK = 400;

/**
 * Writes new trigger instances into the ledger (one row per shop, scenario, customer and
 * trigger key — unique in the database, so a concurrent tick cannot plan one twice). A planned
 * row whose trigger moved (e.g. more checkout activity) gets its new due time.
 */
export async function planLedgerRows(db: Db, shopId: string, scenario: string, candidates: Candidate[]): Promise<number> {
  let created = 0;
  for (let i = 0; i < candidates.length; i += CHUNK) {
    const chunk = candidates.slice(i, i + CHUNK);
    const existing = await db.message.findMany({
      where: { shopId, scenario, customerId: { in: [...new Set(chunk.map((c) => c.customerId))] }, triggerKey: { in: [...new Set(chunk.map((c) => c.triggerKey))] } },
      select: { id: true, customerId: true, triggerKey: true, status: true, dueAt: true },
    });
    const byKey = new Map(existing.map((m) => [`${m.customerId}|${m.triggerKey}`, m]));
    const fresh: Candidate[] = [];
    for (const candidate of chunk) {
      const row = byKey.get(`${candidate.customerId}|${candidate.triggerKey}`);
      if (!row) fresh.push(candidate);
      else if (row.status === "planned" && row.dueAt.getTime() !== candidate.dueAt.getTime()) {
        await db.message.updateMany({ where: { id: row.id, status: "planned" }, data: { dueAt: candidate.dueAt, latestUsefulAt: candidate.latestUsefulAt } });
      }
    }
    for (const candidate of fresh) {
      try {
        await db.message.create({
          data: {
            shopId,
            scenario,
            customerId: candidate.customerId,
            triggerKey: candidate.triggerKey,
            dueAt: candidate.dueAt,
            latestUsefulAt: candidate.latestUsefulAt,
            data: JSON.stringify(candidate.data),
          },
        });
        created++;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
  }
  return created;
}
