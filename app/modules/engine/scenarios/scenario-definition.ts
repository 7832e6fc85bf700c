// A built-in scenario is data plus a few functions: when it triggers (plan), what stops it at
// send time (exits), and what the email shows (contents). The engine applies the send rules and
// writes the ledger; adding a scenario means adding one folder (docs/add-a-scenario.md).
// exits and contents take a whole batch of due rows (up to 500) and must answer it with a
// fixed number of queries, not one per row: a large shop's tick has thousands of due rows
// (see docs/benchmarks.md). catalog-products.server.ts has batch loaders for the common needs.
import type { Db } from "~/db.server";
import type { ScenarioKey, ScenarioSettings } from "~/modules/engine/scenarios/scenario-settings";
import type { Incentive } from "~/modules/platform/settings/incentive";
import type { z } from "zod";
import type { TemplateProduct } from "~/modules/delivery/mail/templates/types";
import type { ScenarioModules } from "./all";

export interface ScenarioContext<K extends ScenarioKey> {
  db: Db;
  shopId: string;
  now: Date;
  timezone: string;
  /** https://<shop domain>: where product links point */
  storefrontUrl: string;
  settings: ScenarioSettings<K>;
}

/** What scenario K's ledger rows store (its data.ts `row` schema). */
export type RowData<K extends ScenarioKey> = z.output<ScenarioModules[K]["data"]["row"]>;
/** What scenario K's contents hand its template (its data.ts `extra` schema). */
export type ExtraData<K extends ScenarioKey> = z.input<ScenarioModules[K]["data"]["extra"]>;

/** One trigger instance for one customer: becomes one ledger row. */
export interface Candidate<Data = RowData<ScenarioKey>> {
  customerId: string;
  /** unique per customer within the scenario, e.g. "checkout:<token>:1" */
  triggerKey: string;
  dueAt: Date;
  /** sending after this is pointless (the rule "deferred" turns into "skipped") */
  latestUsefulAt: Date | null;
  data: Data;
}

/** A ledger row as its scenario sees it: `data` already parsed with the scenario's row schema. */
export interface LedgerRow<Data = RowData<ScenarioKey>> {
  id: string;
  customerId: string;
  triggerKey: string;
  data: Data;
  createdAt: Date;
}

export interface MessageContent<Extra = ExtraData<ScenarioKey>> {
  products: TemplateProduct[];
  recoveryUrl: string | null;
  incentive: Incentive | null;
  /** scenario-specific facts the template shows (points balance, expiry date, …) */
  extra?: Extra;
}

/** Scenario K's own views of the shapes above (what its definition.server.ts works with). */
export type CandidateOf<K extends ScenarioKey> = Candidate<RowData<K>>;
export type LedgerRowOf<K extends ScenarioKey> = LedgerRow<RowData<K>>;
export type MessageContentOf<K extends ScenarioKey> = MessageContent<ExtraData<K>>;

export interface ScenarioDefinition<K extends ScenarioKey> {
  key: K;
  /** only the trigger instances not yet in the ledger need to be returned, but more is harmless */
  plan(ctx: ScenarioContext<K>): Promise<Candidate<RowData<K>>[]>;
  /**
   * Re-checked right before sending, against the latest data: for each row that must stop, its
   * id → the reason (rows not in the map go on).
   */
  exits(ctx: ScenarioContext<K>, rows: LedgerRow<RowData<K>>[]): Promise<Map<string, string>>;
  /** What each row's email shows, by row id; a row missing from the map is skipped as "no content". */
  contents(ctx: ScenarioContext<K>, rows: LedgerRow<RowData<K>>[]): Promise<Map<string, MessageContent<ExtraData<K>>>>;
}

export function defineScenario<K extends ScenarioKey>(definition: ScenarioDefinition<K>): ScenarioDefinition<K> {
  return definition;
}
