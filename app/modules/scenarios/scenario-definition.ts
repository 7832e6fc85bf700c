// A built-in scenario is data plus a few functions: when it triggers (plan), what stops it at
// send time (exits), and what the email shows (contents). The engine applies the send rules and
// writes the ledger; adding a scenario means adding one module and its templates.
// exits and contents take a whole batch of due rows (up to 500) and must answer it with a
// fixed number of queries, not one per row: a large shop's tick has thousands of due rows
// (see docs/benchmarks.md). catalog-products.server.ts has batch loaders for the common needs.
import type { Db } from "~/db.server";
import type { ScenarioKey, ScenarioSettings } from "~/modules/settings/scenario-settings";
import type { Incentive } from "~/modules/settings/incentive";
import type { MessageExtra, TemplateProduct } from "~/modules/mail/render-message";

export interface ScenarioContext<K extends ScenarioKey> {
  db: Db;
  shopId: string;
  now: Date;
  timezone: string;
  /** https://<shop domain>: where product links point */
  storefrontUrl: string;
  settings: ScenarioSettings<K>;
}

/** One trigger instance for one customer: becomes one ledger row. */
export interface Candidate {
  customerId: string;
  /** unique per customer within the scenario, e.g. "checkout:<token>:1" */
  triggerKey: string;
  dueAt: Date;
  /** sending after this is pointless (the rule "deferred" turns into "skipped") */
  latestUsefulAt: Date | null;
  data: Record<string, string | number | boolean | string[] | null>;
}

export interface LedgerRow {
  id: string;
  customerId: string;
  triggerKey: string;
  data: Candidate["data"];
  createdAt: Date;
}

export interface MessageContent {
  products: TemplateProduct[];
  recoveryUrl: string | null;
  incentive: Incentive | null;
  /** scenario-specific facts the template shows (points balance, expiry date, …) */
  extra?: MessageExtra;
}

export interface ScenarioDefinition<K extends ScenarioKey> {
  key: K;
  /** only the trigger instances not yet in the ledger need to be returned, but more is harmless */
  plan(ctx: ScenarioContext<K>): Promise<Candidate[]>;
  /**
   * Re-checked right before sending, against the latest data: for each row that must stop, its
   * id → the reason (rows not in the map go on).
   */
  exits(ctx: ScenarioContext<K>, rows: LedgerRow[]): Promise<Map<string, string>>;
  /** What each row's email shows, by row id; a row missing from the map is skipped as "no content". */
  contents(ctx: ScenarioContext<K>, rows: LedgerRow[]): Promise<Map<string, MessageContent>>;
}

export function defineScenario<K extends ScenarioKey>(definition: ScenarioDefinition<K>): ScenarioDefinition<K> {
  return definition;
}
