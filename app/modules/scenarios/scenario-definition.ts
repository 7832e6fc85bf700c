// A built-in scenario is data plus a few functions: when it triggers (plan), what stops it at
// send time (exit), and what the email shows (content). The engine applies the send rules and
// writes the ledger; adding a scenario means adding one module and its templates.
import type { Db } from "~/db.server";
import type { ScenarioKey, ScenarioSettings } from "~/modules/settings/scenario-settings";
import type { Incentive } from "~/modules/settings/incentive";
import type { TemplateProduct } from "~/modules/mail/render-message";

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
}

export interface ScenarioDefinition<K extends ScenarioKey> {
  key: K;
  /** only the trigger instances not yet in the ledger need to be returned, but more is harmless */
  plan(ctx: ScenarioContext<K>): Promise<Candidate[]>;
  /** re-checked right before sending, against the latest data: a reason to stop, or null */
  exit(ctx: ScenarioContext<K>, row: LedgerRow): Promise<string | null>;
  content(ctx: ScenarioContext<K>, row: LedgerRow): Promise<MessageContent>;
}

export function defineScenario<K extends ScenarioKey>(definition: ScenarioDefinition<K>): ScenarioDefinition<K> {
  return definition;
}
