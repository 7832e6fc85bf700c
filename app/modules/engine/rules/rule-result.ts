// What a send rule answers. A failure is never silent: its outcome and reason go to the ledger.
export type RuleOutcome = "skipped" | "deferred" | "held_out";

export type RuleResult =
  | { pass: true }
  | {
      pass: false;
      /** skipped: not sent, not retried · deferred: try again at `until` · held_out: control group */
      outcome: RuleOutcome;
      reason: string;
      until?: Date;
    };

export const PASS: RuleResult = Object.freeze({ pass: true });

export function skipped(reason: string): RuleResult {
  return { pass: false, outcome: "skipped", reason };
}

export function deferred(reason: string, until: Date): RuleResult {
  return { pass: false, outcome: "deferred", reason, until };
}

export function heldOut(reason: string): RuleResult {
  return { pass: false, outcome: "held_out", reason };
}
