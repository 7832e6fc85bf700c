// `outbox --shop <domain> --json [--scenario k] [--status s] [--limit n]`: the shop's message
// ledger as a JSON array. The work is in runOutbox (takes the db) so tests call it directly.
import { getDb, type Db } from "~/db.server";
import {
  DEFAULT_LEDGER_LIMIT,
  LEDGER_STATUSES,
  MAX_LEDGER_LIMIT,
  listLedger,
  type OutboxEntry,
} from "~/modules/engine/list-ledger.server";
import { SCENARIO_KEYS, isScenarioKey } from "~/modules/engine/scenarios/scenario-settings";
import { findShopByDomain } from "~/modules/platform/settings/shop-settings.server";
import { requireString } from "../output";
import type { Command } from "./index";
import { finish, refuse, type CliResult } from "./settings";

export interface OutboxFilters {
  scenario?: string;
  status?: string;
  /** as typed on the command line */
  limit?: string;
}

export async function runOutbox(
  db: Db,
  domain: string,
  filters: OutboxFilters = {},
): Promise<CliResult<OutboxEntry[]>> {
  const { scenario, status, limit } = filters;
  if (scenario !== undefined && !isScenarioKey(scenario))
    return refuse(`unknown scenario "${scenario}"; valid keys: ${SCENARIO_KEYS.join(", ")}`);
  if (status !== undefined && !(LEDGER_STATUSES as readonly string[]).includes(status)) {
    return refuse(`unknown status "${status}"; valid statuses: ${LEDGER_STATUSES.join(", ")}`);
  }
  let count: number | undefined;
  if (limit !== undefined) {
    count = /^\d+$/.test(limit) ? Number(limit) : NaN;
    if (!(count >= 1 && count <= MAX_LEDGER_LIMIT))
      return refuse(`--limit must be a whole number from 1 to ${MAX_LEDGER_LIMIT}, got "${limit}"`);
  }
  const shop = await findShopByDomain(db, domain);
  const entries = await listLedger(db, shop.id, { scenario, status, limit: count });
  return {
    ok: true,
    output: entries,
    notes: [`${entries.length} ledger row${entries.length === 1 ? "" : "s"} for ${domain}`],
  };
}

export const outboxCommand: Command = {
  usage: "outbox --shop <domain> --json [--scenario k] [--status s] [--limit n]",
  summary: "list the shop's message ledger (planned, held out, sent, …) as a JSON array",
  help: [
    "",
    "--json  JSON is the only format: the array is printed with or without this flag.",
    `--limit the most recent rows to show (default ${DEFAULT_LEDGER_LIMIT}, at most ${MAX_LEDGER_LIMIT}); they are listed oldest first.`,
    `--status one of: ${LEDGER_STATUSES.join(", ")}`,
    `--scenario one of: ${SCENARIO_KEYS.join(", ")}`,
    "",
    "Each entry: id, scenario, customerId (the customer's GID, null for a guest), email, status, reason, holdout,",
    "subject, couponCode, plannedAt (when it is due, ISO 8601), sentAt (ISO 8601 or null), locale.",
  ].join("\n"),
  options: {
    shop: { type: "string" },
    json: { type: "boolean" },
    scenario: { type: "string" },
    status: { type: "string" },
    limit: { type: "string" },
  },
  async run(values) {
    const domain = requireString(values, "shop", "the shop's myshopify.com domain");
    const filters: OutboxFilters = {
      scenario: typeof values.scenario === "string" ? values.scenario : undefined,
      status: typeof values.status === "string" ? values.status : undefined,
      limit: typeof values.limit === "string" ? values.limit : undefined,
    };
    return finish("outbox", await runOutbox(await getDb(), domain, filters));
  },
};
