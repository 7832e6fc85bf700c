import { describe, expect, test } from "vitest";
import { computeClv, modelled, type ClvGroup } from "~/modules/reports/clv";
import {
  bgNbdLogLikelihood,
  expectedOrderValue,
  expectedOrders,
  fitBgNbd,
  fitGammaGamma,
  hyp2f1,
  lnGamma,
  nelderMead,
  probabilityAlive,
  type BgNbdObservation,
} from "~/modules/reports/clv-model";
import { gammaSample } from "../../helpers/gamma-sample";

/** A small seeded generator (mulberry32), so the simulated shop is the same on every run. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Customers drawn from the BG/NBD process itself: Poisson purchases at rate λ, dropping out with probability p after each. */
function simulate(
  n: number,
  params: { r: number; alpha: number; a: number; b: number },
  T: number,
  seed: number,
): BgNbdObservation[] {
  const u = rng(seed);
  return Array.from({ length: n }, () => {
    const lambda = gammaSample(params.r, 1 / params.alpha, u);
    const ga = gammaSample(params.a, 1, u);
    const p = ga / (ga + gammaSample(params.b, 1, u));
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(u() || 1e-12) / lambda;
      if (t > T) break;
      x += 1;
      tx = t;
      if (u() < p) break;
    }
    return { x, tx, T };
  });
}

describe("the numerical pieces", () => {
  test("lnGamma matches known values", () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    // Γ(100.5) = Γ(0.5) · Π_{k<100} (0.5 + k)
    let viaProduct = Math.log(Math.sqrt(Math.PI));
    for (let k = 0; k < 100; k += 1) viaProduct += Math.log(0.5 + k);
    expect(lnGamma(100.5)).toBeCloseTo(viaProduct, 9);
  });

  test("2F1 matches closed forms", () => {
    // 2F1(1,1;2;z) = −ln(1−z)/z
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 10);
    // 2F1(a,b;b;z) = (1−z)^−a
    expect(hyp2f1(2.5, 3, 3, 0.3)).toBeCloseTo(Math.pow(0.7, -2.5), 10);
  });

  test("Nelder–Mead finds the minimum of the Rosenbrock valley", () => {
    const result = nelderMead(([x, y]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2, [-1.2, 1], {
      maxIterations: 5000,
      tolerance: 1e-14,
    });
    expect(result.x[0]).toBeCloseTo(1, 3);
    expect(result.x[1]).toBeCloseTo(1, 3);
  });

  test("BG/NBD: a one-time buyer is alive with probability 1; expected orders grow with the horizon", () => {
    const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    expect(probabilityAlive(params, { x: 0, tx: 0, T: 38.86 })).toBe(1);
    // the paper's CDNOW example: x=2, tx=30.43, T=38.86 → E[Y(39)] ≈ 1.226
    expect(expectedOrders(params, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 2);
    expect(expectedOrders(params, { x: 2, tx: 30.43, T: 38.86 }, 52)).toBeGreaterThan(1.226);
  });

  test("Gamma-Gamma: more orders pull the expectation towards the customer's own mean", () => {
    const gg = { p: 6.25, q: 3.74, gamma: 15.44 };
    const populationMean = (gg.p * gg.gamma) / (gg.q - 1);
    expect(expectedOrderValue(gg, 0, 0)).toBeCloseTo(populationMean, 10);
    const one = expectedOrderValue(gg, 1, 100);
    const ten = expectedOrderValue(gg, 10, 100);
    expect(one).toBeGreaterThan(populationMean);
    expect(ten).toBeGreaterThan(one);
    expect(ten).toBeLessThan(100);
  });
});

describe("fitting by maximum likelihood", () => {
  test("BG/NBD recovers the parameters of a simulated shop", () => {
    const truth = { r: 0.8, alpha: 6, a: 1.5, b: 3 };
    const data = simulate(8000, truth, 78, 7);
    const fitted = fitBgNbd(data);
    expect(fitted).not.toBeNull();
    if (!fitted) return;
    // the fit is at least as likely as the truth, and close to it
    expect(bgNbdLogLikelihood(fitted, data)).toBeGreaterThanOrEqual(bgNbdLogLikelihood(truth, data) - 1e-6);
    expect(fitted.r).toBeGreaterThan(0.6);
    expect(fitted.r).toBeLessThan(1.05);
    expect(fitted.alpha / fitted.r).toBeGreaterThan((truth.alpha / truth.r) * 0.8);
    expect(fitted.alpha / fitted.r).toBeLessThan((truth.alpha / truth.r) * 1.25);
    expect(fitted.a / (fitted.a + fitted.b)).toBeCloseTo(truth.a / (truth.a + truth.b), 1);
  });

  test("Gamma-Gamma recovers the mean order value", () => {
    const u = rng(11);
    const truth = { p: 6, q: 4, gamma: 20 };
    const data = Array.from({ length: 3000 }, () => {
      const nu = gammaSample(truth.q, 1 / truth.gamma, u);
      const n = 1 + Math.floor(u() * 5);
      let total = 0;
      for (let i = 0; i < n; i += 1) total += gammaSample(truth.p, 1 / nu, u);
      return { n, m: total / n };
    });
    const fitted = fitGammaGamma(data);
    expect(fitted).not.toBeNull();
    if (!fitted) return;
    const mean = (p: number, q: number, g: number) => (p * g) / (q - 1);
    expect(mean(fitted.p, fitted.q, fitted.gamma)).toBeGreaterThan(mean(truth.p, truth.q, truth.gamma) * 0.9);
    expect(mean(fitted.p, fitted.q, fitted.gamma)).toBeLessThan(mean(truth.p, truth.q, truth.gamma) * 1.1);
  });
});

describe("the 12-month CLV report", () => {
  test("too little history: the historical run rate, with the reason", () => {
    const groups: ClvGroup[] = [
      { orders: 1, txWeeks: 0, tWeeks: 26, customers: 3, net: 3000 },
      { orders: 2, txWeeks: 10, tWeeks: 730 / 7, customers: 1, net: 4000 },
    ];
    const report = computeClv(groups, []);
    expect(report.method).toBe("historical");
    expect(report.reason).toBe("fewer than 100 customers");
    // tenure under a year counts as a year: 3000 + 4000/2 = 5000 over 4 customers
    expect(report.totalPredicted12m).toBe(5000);
    expect(report.averagePredicted12m).toBe(1250);
    expect(report.byOrders[0]).toEqual({ orders: "1", customers: 3, averagePredicted12m: 1000 });
    expect(report.byOrders[1]).toEqual({ orders: "2", customers: 1, averagePredicted12m: 2000 });
  });

  test("modelled: group sums equal the sum over customers (Gamma-Gamma is linear in net revenue)", () => {
    const bg = { r: 0.8, alpha: 6, a: 1.5, b: 3 };
    const gg = { p: 6, q: 4, gamma: 20 };
    const together = modelled([{ orders: 3, txWeeks: 20, tWeeks: 40, customers: 2, net: 150 }], bg, gg);
    const apart = modelled(
      [
        { orders: 3, txWeeks: 20, tWeeks: 40, customers: 1, net: 30 },
        { orders: 3, txWeeks: 20, tWeeks: 40, customers: 1, net: 120 },
      ],
      bg,
      gg,
    );
    expect(together.totalPredicted12m).toBeCloseTo(apart.totalPredicted12m, 6);
    const perCustomer = (net: number) =>
      expectedOrders(bg, { x: 2, tx: 20, T: 40 }, 365 / 7) * expectedOrderValue(gg, 3, net / 3);
    expect(together.totalPredicted12m).toBeCloseTo(perCustomer(30) + perCustomer(120), 2);
    expect(together.method).toBe("bgnbd_gamma_gamma");
  });

  /** The CLV report of a simulated shop: 3,000 BG/NBD customers, order values 30–70. */
  function simulatedReport(
    params: { r: number; alpha: number; a: number; b: number },
    weeks: number,
    seed: number,
    valueSeed: number,
  ) {
    const data = simulate(3000, params, weeks, seed);
    const u = rng(valueSeed);
    const sample = data.map((o) => ({ orders: o.x + 1, net: (o.x + 1) * (30 + 40 * u()) }));
    return computeClv(
      data.map((o, i) => ({ orders: o.x + 1, txWeeks: o.tx, tWeeks: o.T, customers: 1, net: sample[i]!.net })),
      sample,
    );
  }

  test("enough simulated history: the model is fitted and used", () => {
    const report = simulatedReport({ r: 0.8, alpha: 6, a: 1.5, b: 3 }, 78, 3, 5);
    expect(report.method).toBe("bgnbd_gamma_gamma");
    expect(report.parameters?.bgnbd.a).toBeGreaterThan(1);
    expect(report.averageExpectedOrders12m).toBeGreaterThan(0);
    expect(report.averageProbabilityAlive).toBeGreaterThan(0);
    expect(report.averageProbabilityAlive).toBeLessThanOrEqual(1);
  });

  test("a < 1 (CDNOW's a = 0.793) is modelled, not dropped: the conditional expectation holds for any a ≠ 1", () => {
    const report = simulatedReport({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39, 1, 6);
    expect(report.method).toBe("bgnbd_gamma_gamma");
    expect(report.parameters?.bgnbd.a).toBeLessThan(1);
    expect(report.averageExpectedOrders12m).toBeGreaterThan(0);
  });
});
