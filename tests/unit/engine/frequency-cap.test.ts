import fc from "fast-check";
import {
  frequencyCapDecisions,
  type CapCandidate,
  type SentMarketingEmail,
} from "~/modules/engine/rules/frequency-cap";
import { SCENARIO_KEYS } from "~/modules/platform/settings/scenario-keys";

const NOW = new Date("2026-05-01T03:00:00Z");
const H = 3_600_000;
const at = (hours: number) => new Date(NOW.getTime() + hours * H);
const candidate = (
  id: string,
  scenarioKey: CapCandidate["scenarioKey"],
  hours = 0,
  latestUsefulAt?: Date,
): CapCandidate => ({
  id,
  scenarioKey,
  plannedAt: at(hours),
  latestUsefulAt,
});
const results = (candidates: CapCandidate[], recentSends: SentMarketingEmail[] = [], capHours = 16, now?: Date) =>
  Object.fromEntries(frequencyCapDecisions({ candidates, recentSends, capHours, now }).map((d) => [d.id, d.result]));

describe("frequencyCapDecisions", () => {
  test("a lone candidate with nothing recent passes", () => {
    expect(results([candidate("a", "welcome")])).toEqual({ a: { pass: true } });
  });

  test("a send within the window defers until the window ends", () => {
    expect(results([candidate("a", "welcome")], [{ scenarioKey: "birthday", sentAt: at(-10) }])).toEqual({
      a: {
        pass: false,
        outcome: "deferred",
        reason: `frequency cap: one email per 16 h; birthday sent at ${at(-10).toISOString()}`,
        until: at(6),
      },
    });
  });

  test("a send exactly one window ago no longer counts", () => {
    expect(results([candidate("a", "welcome")], [{ scenarioKey: "birthday", sentAt: at(-16) }])).toEqual({
      a: { pass: true },
    });
    expect(results([candidate("a", "welcome")], [{ scenarioKey: "birthday", sentAt: at(-17) }])).toEqual({
      a: { pass: true },
    });
  });

  test("the most recent send sets the end of the window", () => {
    const sends = [
      { scenarioKey: "birthday", sentAt: at(-12) },
      { scenarioKey: "welcome", sentAt: at(-3) },
    ];
    expect(results([candidate("a", "winback")], sends).a).toMatchObject({ outcome: "deferred", until: at(13) });
  });

  test("the higher-priority scenario wins; the loser waits one window after it", () => {
    expect(results([candidate("r", "recommendations"), candidate("c", "cart_abandonment")])).toEqual({
      c: { pass: true },
      r: {
        pass: false,
        outcome: "deferred",
        reason: `frequency cap: one email per 16 h; cart_abandonment wins, planned at ${NOW.toISOString()}`,
        until: at(16),
      },
    });
  });

  test("priority beats planned time within the tick", () => {
    const r = results([candidate("w", "welcome", -1), candidate("b", "browse_abandonment", 0)]);
    expect(r.b).toEqual({ pass: true });
    expect(r.w).toMatchObject({ outcome: "deferred", until: at(16) });
  });

  test("a loser that would be useless by the end of the window is skipped", () => {
    const r = results([candidate("c", "cart_abandonment"), candidate("b", "browse_abandonment", 0, at(12))]);
    expect(r.b).toEqual({
      pass: false,
      outcome: "skipped",
      reason: `frequency cap; no longer useful after ${at(12).toISOString()} (cart_abandonment wins, planned at ${NOW.toISOString()})`,
    });
  });

  test("a loser still useful exactly at the end of the window is deferred", () => {
    expect(
      results([candidate("c", "cart_abandonment"), candidate("b", "browse_abandonment", 0, at(16))]).b,
    ).toMatchObject({ outcome: "deferred", until: at(16) });
  });

  test("same scenario twice: the earlier planned wins, then the smaller id", () => {
    expect(results([candidate("x", "cart_abandonment", 1), candidate("y", "cart_abandonment", 0)])).toMatchObject({
      y: { pass: true },
      x: { outcome: "deferred" },
    });
    expect(results([candidate("y", "cart_abandonment"), candidate("x", "cart_abandonment")])).toMatchObject({
      x: { pass: true },
      y: { outcome: "deferred" },
    });
  });

  test("candidates a whole window apart can both pass", () => {
    expect(results([candidate("a", "welcome", 0), candidate("b", "winback", 16)])).toEqual({
      a: { pass: true },
      b: { pass: true },
    });
  });

  test("a deferral also clears sends later than the candidate", () => {
    // the winner is planned after the loser: the loser must wait a window after the winner
    expect(results([candidate("l", "welcome", 0), candidate("w", "cart_abandonment", 2)]).l).toMatchObject({
      until: at(18),
    });
    // a window after the blocker would collide with a later send: wait past that one too
    const sends = [
      { scenarioKey: "birthday", sentAt: at(-10) },
      { scenarioKey: "winback", sentAt: at(17) },
    ];
    expect(results([candidate("a", "welcome")], sends).a).toMatchObject({ until: at(33) });
  });

  test("with `now`, a candidate due earlier is measured at the moment it would really go out", () => {
    const sends = [{ scenarioKey: "birthday", sentAt: at(-16.5) }];
    // planned an hour ago: 15.5 h after the last send then, but 16.5 h by now
    expect(results([candidate("a", "welcome", -1)], sends, 16, NOW)).toEqual({ a: { pass: true } });
    expect(results([candidate("a", "welcome", -1)], sends, 16)).toMatchObject({ a: { outcome: "deferred" } });
  });

  test("with `now`, due candidates compete for the same moment: one goes, the rest wait a window", () => {
    const r = results(
      [candidate("w", "welcome", -5), candidate("b", "birthday", -1), candidate("s", "points_statement", 0)],
      [],
      16,
      NOW,
    );
    expect(r).toMatchObject({
      b: { pass: true },
      w: { outcome: "deferred", until: at(16) },
      s: { outcome: "deferred", until: at(16) },
    });
  });

  test("a cap of 0 turns the rule off", () => {
    expect(
      results([candidate("a", "welcome"), candidate("b", "winback")], [{ scenarioKey: "birthday", sentAt: at(-1) }], 0),
    ).toEqual({
      a: { pass: true },
      b: { pass: true },
    });
  });

  test("a custom priority can be given", () => {
    const decisions = frequencyCapDecisions({
      candidates: [candidate("c", "cart_abandonment"), candidate("r", "recommendations")],
      recentSends: [],
      capHours: 16,
      priority: (key) => (key === "recommendations" ? 0 : 1),
    });
    expect(decisions.map((d) => [d.id, d.result.pass])).toEqual([
      ["c", false],
      ["r", true],
    ]);
  });

  const arbitraryCandidates = fc.uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      scenarioKey: fc.constantFrom(...SCENARIO_KEYS),
      plannedAt: fc.integer({ min: -30, max: 0 }).map((h) => at(h)),
      latestUsefulAt: fc.option(
        fc.integer({ min: 0, max: 40 }).map((h) => at(h)),
        { nil: undefined },
      ),
    }),
    { selector: (c) => c.id, maxLength: 8 },
  );
  const arbitrarySends = fc.array(
    fc.record({
      scenarioKey: fc.constantFrom(...SCENARIO_KEYS),
      sentAt: fc.integer({ min: -40, max: 0 }).map((h) => at(h)),
    }),
    { maxLength: 4 },
  );

  test("the decision does not depend on the order of candidates or sends", () => {
    fc.assert(
      fc.property(
        arbitraryCandidates,
        arbitrarySends,
        fc.integer({ min: 1, max: 48 }),
        fc.integer(),
        (candidates, sends, capHours, seed) => {
          const shuffled = fc.sample(fc.shuffledSubarray(candidates, { minLength: candidates.length }), {
            numRuns: 1,
            seed,
          })[0];
          const reversedSends = [...sends].reverse();
          expect(results(shuffled!, reversedSends, capHours, NOW)).toEqual(results(candidates, sends, capHours, NOW));
          expect(results(shuffled!, reversedSends, capHours)).toEqual(results(candidates, sends, capHours));
        },
      ),
    );
  });

  test("a tick sends at most one email, only a window after the last one, and defers to a clear time", () => {
    fc.assert(
      fc.property(
        arbitraryCandidates,
        arbitrarySends,
        fc.integer({ min: 1, max: 48 }),
        (candidates, sends, capHours) => {
          const windowMs = capHours * H;
          const decisions = frequencyCapDecisions({ candidates, recentSends: sends, capHours, now: NOW });
          const passing = decisions.filter((d) => d.result.pass);
          expect(passing.length).toBeLessThanOrEqual(1);
          const lastSent = Math.max(-Infinity, ...sends.map((s) => s.sentAt.getTime()));
          if (passing.length === 1) expect(NOW.getTime() - lastSent).toBeGreaterThanOrEqual(windowMs);
          // nobody is held back without a reason: with a clear window, the top candidate goes
          if (candidates.length > 0 && NOW.getTime() - lastSent >= windowMs) expect(passing).toHaveLength(1);
          const taken = [...sends.map((s) => s.sentAt.getTime()), ...passing.map(() => NOW.getTime())];
          for (const d of decisions) {
            if (d.result.pass) continue;
            const planned = candidates.find((c) => c.id === d.id)!;
            if (d.result.outcome === "deferred") {
              const until = d.result.until!.getTime();
              expect(until).toBeGreaterThan(NOW.getTime());
              for (const t of taken) expect(Math.abs(t - until)).toBeGreaterThanOrEqual(windowMs);
              if (planned.latestUsefulAt) expect(until).toBeLessThanOrEqual(planned.latestUsefulAt.getTime());
            } else {
              expect(d.result.outcome).toBe("skipped");
              expect(planned.latestUsefulAt).toBeDefined();
              expect(d.result.reason).toMatch(/^frequency cap; no longer useful after /);
            }
          }
        },
      ),
    );
  });

  test("the winner of a tick is the highest-priority candidate", () => {
    fc.assert(
      fc.property(arbitraryCandidates, (candidates) => {
        const decisions = frequencyCapDecisions({ candidates, recentSends: [], capHours: 16, now: NOW });
        const winner = decisions.find((d) => d.result.pass);
        const best = Math.min(...candidates.map((c) => SCENARIO_KEYS.indexOf(c.scenarioKey)));
        if (winner) expect(SCENARIO_KEYS.indexOf(winner.scenarioKey)).toBe(best);
      }),
    );
  });

  test("every candidate gets exactly one decision, in input order", () => {
    fc.assert(
      fc.property(arbitraryCandidates, arbitrarySends, (candidates, sends) => {
        expect(frequencyCapDecisions({ candidates, recentSends: sends, capHours: 16 }).map((d) => d.id)).toEqual(
          candidates.map((c) => c.id),
        );
      }),
    );
  });
});
