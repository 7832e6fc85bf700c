// Per-scenario counts from the message ledger over a window (the Scenarios page's "last 30
// days"): one grouped query for the states, one for opens and clicks — never a query per scenario.
import type { Tx } from "~/db.server";

export interface ScenarioResults {
  planned: number;
  sent: number;
  heldOut: number;
  skipped: number;
  failed: number;
  opened: number;
  clicked: number;
}

export const EMPTY_RESULTS: ScenarioResults = {
  planned: 0,
  sent: 0,
  heldOut: 0,
  skipped: 0,
  failed: 0,
  opened: 0,
  clicked: 0,
};

/** Rows created in [since, now), by scenario key; scenarios without rows are absent. */
export async function scenarioResultsSince(
  db: Tx,
  shopId: string,
  since: Date,
): Promise<Record<string, ScenarioResults>> {
  const where = { shopId, createdAt: { gte: since } };
  const [byStatus, opened, clicked] = await Promise.all([
    db.message.groupBy({ by: ["scenario", "status"], where, _count: { _all: true } }),
    db.message.groupBy({ by: ["scenario"], where: { ...where, openedAt: { not: null } }, _count: { _all: true } }),
    db.message.groupBy({ by: ["scenario"], where: { ...where, clickedAt: { not: null } }, _count: { _all: true } }),
  ]);
  const results: Record<string, ScenarioResults> = {};
  const entry = (key: string) => (results[key] ??= { ...EMPTY_RESULTS });
  for (const row of byStatus) {
    const r = entry(row.scenario);
    const n = row._count._all;
    r.planned += n;
    if (row.status === "sent") r.sent += n;
    else if (row.status === "held_out") r.heldOut += n;
    else if (row.status === "skipped") r.skipped += n;
    else if (row.status === "failed") r.failed += n;
  }
  for (const row of opened) entry(row.scenario).opened = row._count._all;
  for (const row of clicked) entry(row.scenario).clicked = row._count._all;
  return results;
}
