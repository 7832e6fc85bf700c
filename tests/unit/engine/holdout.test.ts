import fc from "fast-check";
import { holdoutBucket, holdoutDecision, isHeldOut } from "~/modules/engine/rules/holdout";

const SALT = "shop_123";
const ids = fc.sample(fc.uuid(), { numRuns: 10_000, seed: 20260501 });

function share(predicate: (id: string) => boolean, population: readonly string[]): number {
  return population.filter(predicate).length / population.length;
}

describe("isHeldOut", () => {
  test("is stable: the same inputs always give the same answer", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.integer({ min: 0, max: 50 }),
        fc.string(),
        (customerId, scenario, percent, salt) => {
          const first = isHeldOut(customerId, scenario, percent, salt);
          expect(isHeldOut(customerId, scenario, percent, salt)).toBe(first);
          expect(holdoutBucket(customerId, scenario, salt)).toBe(holdoutBucket(customerId, scenario, salt));
        },
      ),
    );
  });

  test("is the sha256 of salt:scenario:customer read as a 64-bit fraction", () => {
    // sha256("s:welcome:c36") starts with 0x191f13c742ce8c19 → 9.813%: in at 9.82%, out at 9.81%
    expect(holdoutBucket("c36", "welcome", "s")).toBe(0x191f13c742ce8c19n);
    expect(isHeldOut("c36", "welcome", 10, "s")).toBe(true);
    expect(isHeldOut("c36", "welcome", 9.82, "s")).toBe(true);
    expect(isHeldOut("c36", "welcome", 9.81, "s")).toBe(false);
  });

  test("0% holds out nobody, 100% everybody", () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        expect(isHeldOut(id, "welcome", 0, SALT)).toBe(false);
        expect(isHeldOut(id, "welcome", -5, SALT)).toBe(false);
        expect(isHeldOut(id, "welcome", 100, SALT)).toBe(true);
      }),
    );
  });

  test("a larger share keeps everyone a smaller share held out", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (id, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        if (isHeldOut(id, "winback", low, SALT)) expect(isHeldOut(id, "winback", high, SALT)).toBe(true);
      }),
    );
  });

  test("holds out 10% ± 1.5 points of 10,000 random customers", () => {
    expect(Math.abs(share((id) => isHeldOut(id, "cart_abandonment", 10, SALT), ids) - 0.1)).toBeLessThanOrEqual(0.015);
  });

  test.each([5, 12.5, 25, 50])("holds out %d%% ± 1.5 points", (percent) => {
    expect(Math.abs(share((id) => isHeldOut(id, "birthday", percent, SALT), ids) - percent / 100)).toBeLessThanOrEqual(
      0.015,
    );
  });

  test("membership differs per scenario, independently", () => {
    const inCart = ids.filter((id) => isHeldOut(id, "cart_abandonment", 10, SALT));
    const inBoth = share((id) => isHeldOut(id, "welcome", 10, SALT), inCart);
    // independent: about 10% of the cart control group is also in the welcome control group
    expect(Math.abs(inBoth - 0.1)).toBeLessThanOrEqual(0.04);
    expect(
      Math.abs(
        share((id) => isHeldOut(id, "cart_abandonment", 10, SALT) && isHeldOut(id, "welcome", 10, SALT), ids) - 0.01,
      ),
    ).toBeLessThanOrEqual(0.005);
  });

  test("membership differs per salt (shop)", () => {
    const agree = share((id) => isHeldOut(id, "welcome", 10, "shop-a") === isHeldOut(id, "welcome", 10, "shop-b"), ids);
    // independent 10% draws agree 0.9² + 0.1² = 82% of the time
    expect(Math.abs(agree - 0.82)).toBeLessThanOrEqual(0.02);
  });
});

describe("holdoutDecision", () => {
  test("held out customers are recorded as held_out with the share", () => {
    expect(holdoutDecision("c36", "welcome", 10, "s")).toEqual({
      pass: false,
      outcome: "held_out",
      reason: "control group (10% holdout)",
    });
    expect(holdoutDecision("c36", "welcome", 5, "s")).toEqual({ pass: true });
  });
});
