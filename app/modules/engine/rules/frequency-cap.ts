// Rule 4 of docs/product.md: at most one Joren marketing email per customer per cap window. Among
// the candidates of one tick the higher-priority scenario wins; a loser waits for the window
// to end, or is dropped when waiting would outlive its usefulness — with the reason recorded.
//
// Losers do not reserve their deferred slot: at `until` they compete again, so a candidate
// that meanwhile exits (e.g. the customer ordered) never pushes a lower-priority one back.
// Given `now`, every due candidate competes for the same moment, so exactly the highest-priority
// one can go and the order of the ledger never inverts priorities.
import { scenarioPriority, type ScenarioKey } from "~/modules/platform/settings/scenario-keys";
import { PASS, deferred, skipped, type RuleResult } from "./rule-result";

export interface SentMarketingEmail {
  scenarioKey: string;
  sentAt: Date;
}

export interface CapCandidate {
  /** unique within the call (e.g. the planned ledger row's id) */
  id: string;
  scenarioKey: ScenarioKey;
  /** when it is due; a due candidate goes out at `now` */
  plannedAt: Date;
  /** deferring past this makes the message pointless (e.g. the cart's coupon has expired) */
  latestUsefulAt?: Date | null;
}

export interface FrequencyCapInput {
  /** the same customer's candidates in this tick */
  candidates: readonly CapCandidate[];
  /** the customer's marketing emails already sent, at least the last cap window's */
  recentSends: readonly SentMarketingEmail[];
  capHours: number;
  /** the tick's time: a candidate planned earlier would be sent now, so the cap is measured from now */
  now?: Date;
  /** lower = more important; docs/product.md's order by default */
  priority?: (key: ScenarioKey) => number;
}

export interface CapDecision {
  id: string;
  scenarioKey: ScenarioKey;
  result: RuleResult;
}

interface Occupied {
  at: number;
  scenarioKey: string;
  sent: boolean;
}

const HOUR_MS = 3_600_000;

function compareCandidates(priority: (key: ScenarioKey) => number) {
  return (a: CapCandidate, b: CapCandidate): number =>
    priority(a.scenarioKey) - priority(b.scenarioKey) ||
    a.plannedAt.getTime() - b.plannedAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The first time ≥ start that is at least one window away from every occupied time. */
function firstClearTime(start: number, occupied: readonly Occupied[], windowMs: number): number {
  let t = start;
  for (const o of [...occupied].sort((a, b) => a.at - b.at)) {
    if (Math.abs(o.at - t) < windowMs) t = o.at + windowMs;
  }
  return t;
}

function describe(o: Occupied): string {
  return `${o.scenarioKey} ${o.sent ? "sent" : "wins, planned"} at ${new Date(o.at).toISOString()}`;
}

/**
 * Decides the whole set at once, independent of the order the candidates are given in: by
 * priority, then planned time, then id. Results come back in the input order.
 */
export function frequencyCapDecisions(input: FrequencyCapInput): CapDecision[] {
  const windowMs = input.capHours * HOUR_MS;
  const resultFor = new Map<CapCandidate, RuleResult>();
  if (!(windowMs > 0)) return input.candidates.map((c) => ({ id: c.id, scenarioKey: c.scenarioKey, result: PASS }));

  const occupied: Occupied[] = input.recentSends
    .map((s) => ({ at: s.sentAt.getTime(), scenarioKey: s.scenarioKey, sent: true }))
    .sort((a, b) => a.at - b.at || (a.scenarioKey < b.scenarioKey ? -1 : a.scenarioKey > b.scenarioKey ? 1 : 0));
  const nowMs = input.now?.getTime() ?? -Infinity;
  const ordered = [...input.candidates].sort(compareCandidates(input.priority ?? scenarioPriority));
  for (const candidate of ordered) {
    const at = Math.max(candidate.plannedAt.getTime(), nowMs);
    const blockers = occupied.filter((o) => Math.abs(o.at - at) < windowMs);
    if (blockers.length === 0) {
      occupied.push({ at, scenarioKey: candidate.scenarioKey, sent: false });
      resultFor.set(candidate, PASS);
      continue;
    }
    // first of the latest: occupied is in a deterministic order, so the reason is too
    const blocker = blockers.reduce((latest, o) => (o.at > latest.at ? o : latest));
    const until = new Date(firstClearTime(at, occupied, windowMs));
    const latestUseful = candidate.latestUsefulAt?.getTime();
    const result =
      latestUseful !== undefined && until.getTime() > latestUseful
        ? skipped(
            `frequency cap; no longer useful after ${new Date(latestUseful).toISOString()} (${describe(blocker)})`,
          )
        : deferred(`frequency cap: one email per ${input.capHours} h; ${describe(blocker)}`, until);
    resultFor.set(candidate, result);
  }
  return input.candidates.map((c) => ({ id: c.id, scenarioKey: c.scenarioKey, result: resultFor.get(c) ?? PASS }));
}
