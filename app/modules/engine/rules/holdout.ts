// Rule 7 of docs/product.md: a stable share of each scenario's audience is a control group, so lift
// can be measured at any store size. Membership is a pure function of (salt, scenario, customer):
// it survives restarts and instances, and differs per scenario so one customer is not excluded
// from everything. The salt is per shop (its id), so shops do not share control groups.
import { createHash } from "node:crypto";
import { PASS, heldOut, type RuleResult } from "./rule-result";

const TWO_POW_64 = 2n ** 64n;
/** percent is compared in millionths so shares like 12.5 stay exact */
const PERCENT_SCALE = 1_000_000;

/** The customer's position in [0, 1) for this scenario, as an exact 64-bit fraction. */
export function holdoutBucket(customerId: string, scenarioKey: string, salt: string): bigint {
  const digest = createHash("sha256").update(`${salt}:${scenarioKey}:${customerId}`).digest();
  return digest.readBigUInt64BE(0);
}

/** bucket / 2^64 < percent / 100 */
export function isHeldOut(customerId: string, scenarioKey: string, percent: number, salt: string): boolean {
  if (!(percent > 0)) return false;
  if (percent >= 100) return true;
  const scaled = BigInt(Math.round(percent * PERCENT_SCALE));
  return holdoutBucket(customerId, scenarioKey, salt) * 100n * BigInt(PERCENT_SCALE) < scaled * TWO_POW_64;
}

export function holdoutDecision(customerId: string, scenarioKey: string, percent: number, salt: string): RuleResult {
  return isHeldOut(customerId, scenarioKey, percent, salt) ? heldOut(`control group (${percent}% holdout)`) : PASS;
}
