import type { ParseArgsConfig } from "node:util";
import { benchCommand } from "./bench";
import { demoCommand } from "./demo";
import { guardCommand } from "./guard";
import { importCommand } from "./import";
import { outboxCommand } from "./outbox";
import { recsComputeCommand, recsEvalCommand } from "./recs";
import { pointsCommand } from "./points";
import { reportCommand } from "./report";
import { scenarioCommand } from "./scenario";
import { settingsCommand } from "./settings";
import { shopAddCommand, shopsCommand } from "./shops";
import { tickCommand } from "./tick";
import { webhookSendCommand } from "./webhook-send";

export interface Command {
  usage: string;
  summary: string;
  help?: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[]): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {
  "shop:add": shopAddCommand,
  shops: shopsCommand,
  "webhook:send": webhookSendCommand,
  import: importCommand,
  demo: demoCommand,
  bench: benchCommand,
  settings: settingsCommand,
  scenario: scenarioCommand,
  outbox: outboxCommand,
  guard: guardCommand,
  tick: tickCommand,
  report: reportCommand,
  "recs:compute": recsComputeCommand,
  "recs:eval": recsEvalCommand,
  points: pointsCommand,
};
