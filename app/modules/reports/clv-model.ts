// 12-month predicted CLV: BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy
// way") for the number of future orders and Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and
// CLV") for their value, both fitted by maximum likelihood with a compact Nelder–Mead over the
// log-parameters (so every parameter stays positive). Pure; time is in weeks.
import { itemAt } from "~/lib/arrays";

export interface BgNbdObservation {
  /** repeat orders (orders − 1) */
  x: number;
  /** weeks from the first to the last order */
  tx: number;
  /** weeks from the first order to the measurement instant */
  T: number;
  /** how many customers share these values (default 1) */
  weight?: number;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Minimises f from start; returns the best point found. Standard coefficients (1, 2, ½, ½). */
export function nelderMead(
  f: (x: number[]) => number,
  start: number[],
  options: { maxIterations?: number; tolerance?: number; step?: number } = {},
): { x: number[]; value: number; iterations: number } {
  const { maxIterations = 1000, tolerance = 1e-9, step = 0.5 } = options;
  const n = start.length;
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))].map((x) => ({
    x,
    v: f(x),
  }));
  let iterations = 0;
  const combine = (p: number[], q: number[], t: number) => p.map((v, i) => v + t * (itemAt(q, i, "coordinate") - v));
  for (; iterations < maxIterations; iterations += 1) {
    simplex.sort((p, q) => p.v - q.v);
    const best = itemAt(simplex, 0, "vertex");
    const worst = itemAt(simplex, n, "vertex");
    if (Math.abs(worst.v - best.v) <= tolerance * (Math.abs(best.v) + tolerance)) break;
    const centroid = start.map((_, i) => simplex.slice(0, n).reduce((s, p) => s + itemAt(p.x, i, "coordinate"), 0) / n);
    const reflected = combine(centroid, worst.x, -1);
    const fr = f(reflected);
    if (fr < best.v) {
      const expanded = combine(centroid, worst.x, -2);
      const fe = f(expanded);
      simplex[n] = fe < fr ? { x: expanded, v: fe } : { x: reflected, v: fr };
    } else if (fr < itemAt(simplex, n - 1, "vertex").v) {
      simplex[n] = { x: reflected, v: fr };
    } else {
      const contracted = fr < worst.v ? combine(centroid, reflected, 0.5) : combine(centroid, worst.x, 0.5);
      const fc = f(contracted);
      if (fc < Math.min(fr, worst.v)) simplex[n] = { x: contracted, v: fc };
      else
        simplex = simplex
          .map((p, i) => (i === 0 ? p : { x: combine(best.x, p.x, 0.5), v: NaN }))
          .map((p) => ({ x: p.x, v: Number.isNaN(p.v) ? f(p.x) : p.v }));
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  const found = itemAt(simplex, 0, "vertex");
  return { x: found.x, value: found.v, iterations };
}

/** ln Γ(z) for z > 0 (Lanczos, g = 7, n = 9): about 15 significant digits. */
export function lnGamma(z: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lnGamma(1 - z);
  const x = z - 1;
  let s = c[0]!; // a literal of nine coefficients
  for (let i = 1; i < c.length; i += 1) s += c[i]! / (x + i); // i < c.length
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Σ_{i<x} ln(c+i) = lnΓ(c+x) − lnΓ(c), exact for the small whole x of order counts. */
function lnRising(c: number, x: number): number {
  if (x > 50) return lnGamma(c + x) - lnGamma(c);
  let s = 0;
  for (let i = 0; i < x; i += 1) s += Math.log(c + i);
  return s;
}

function logAddExp(p: number, q: number): number {
  const m = Math.max(p, q);
  return m + Math.log(Math.exp(p - m) + Math.exp(q - m));
}

/**
 * The BG/NBD log-likelihood of all observations (equation 6 of the paper):
 * ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 *   + ln[(α+T)^−(r+x) + [x>0] a/(b+x−1) (α+tx)^−(r+x)].
 * The Γ ratios depend only on x, so they are summed once per distinct x.
 */
export function bgNbdLogLikelihood(params: BgNbdParams, data: readonly BgNbdObservation[]): number {
  const { r, alpha, a, b } = params;
  const byX = new Map<number, number>();
  const rLogAlpha = r * Math.log(alpha);
  let total = 0;
  for (const { x, tx, T, weight = 1 } of data) {
    let gammaTerms = byX.get(x);
    if (gammaTerms === undefined) {
      gammaTerms = lnRising(r, x) + lnRising(b, x) - lnRising(a + b, x);
      byX.set(x, gammaTerms);
    }
    const alive = -(r + x) * Math.log(alpha + T);
    const dropped = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
    total += weight * (gammaTerms + rLogAlpha + logAddExp(alive, dropped));
  }
  return total;
}

/** 2F1(a, b; c; z) by its power series, for 0 ≤ z < 1. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let s = 1;
  for (let k = 0; k < 5000; k += 1) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    s += term;
    if (Math.abs(term) < 1e-12 * Math.abs(s)) break;
  }
  return s;
}

/** P(alive | x, tx, T). */
export function probabilityAlive(params: BgNbdParams, o: BgNbdObservation): number {
  if (o.x === 0) return 1;
  const { r, alpha, a, b } = params;
  return 1 / (1 + (a / (b + o.x - 1)) * Math.pow((alpha + o.T) / (alpha + o.tx), r + o.x));
}

/** Expected orders in the next t weeks given the history (equation 10). Needs a > 1. */
export function expectedOrders(params: BgNbdParams, o: BgNbdObservation, t: number): number {
  const { r, alpha, a, b } = params;
  const { x, tx, T } = o;
  const z = t / (alpha + T + t);
  const numerator =
    ((a + b + x - 1) / (a - 1)) *
    (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z));
  const denominator = 1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 0);
  return numerator / denominator;
}

/** The Gamma-Gamma log-likelihood of (orders n, mean order value m) pairs. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: readonly { n: number; m: number }[]): number {
  const { p, q, gamma } = params;
  const constant = -lnGamma(q) + q * Math.log(gamma);
  // The Γ terms depend only on n (a few distinct order counts): computed once per n, the same
  // values in the same expression, so the sum is bit-for-bit the per-customer one.
  const byN = new Map<number, [number, number]>();
  let total = 0;
  for (const { n, m } of data) {
    let gammas = byN.get(n);
    if (gammas === undefined) {
      gammas = [lnGamma(p * n + q), lnGamma(p * n)];
      byN.set(n, gammas);
    }
    total +=
      gammas[0] -
      gammas[1] +
      constant +
      (p * n - 1) * Math.log(m) +
      p * n * Math.log(n) -
      (p * n + q) * Math.log(gamma + m * n);
  }
  return total;
}

/** E[order value | n orders averaging m] (needs q > 1). */
export function expectedOrderValue(params: GammaGammaParams, n: number, m: number): number {
  const { p, q, gamma } = params;
  return (p * (gamma + n * m)) / (p * n + q - 1);
}

function fitLogParams<P extends number[]>(negLogLik: (values: P) => number, start: P): P | null {
  const objective = (logs: number[]) => {
    if (logs.some((v) => Math.abs(v) > 20)) return Infinity;
    const value = negLogLik(logs.map(Math.exp) as P); // map keeps the length of start
    return Number.isFinite(value) ? value : Infinity;
  };
  let result = nelderMead(objective, start.map(Math.log), { maxIterations: 600 });
  // One restart from the optimum: Nelder–Mead can stall on a flat ridge.
  result = nelderMead(objective, result.x, { maxIterations: 400, step: 0.2 });
  return Number.isFinite(result.value) ? (result.x.map(Math.exp) as P) : null; // as above
}

export function fitBgNbd(data: readonly BgNbdObservation[]): BgNbdParams | null {
  const total = data.reduce((s, o) => s + (o.weight ?? 1), 0);
  const meanT = data.reduce((s, o) => s + o.T * (o.weight ?? 1), 0) / Math.max(1, total);
  const fitted = fitLogParams<[number, number, number, number]>(
    ([r, alpha, a, b]) => -bgNbdLogLikelihood({ r, alpha, a, b }, data) / total,
    [1, Math.max(1, meanT), 1, 1],
  );
  return fitted ? { r: fitted[0], alpha: fitted[1], a: fitted[2], b: fitted[3] } : null;
}

export function fitGammaGamma(data: readonly { n: number; m: number }[]): GammaGammaParams | null {
  const meanM = data.reduce((s, o) => s + o.m, 0) / Math.max(1, data.length);
  const fitted = fitLogParams<[number, number, number]>(
    ([p, q, gamma]) => -gammaGammaLogLikelihood({ p, q, gamma }, data) / data.length,
    [1, 2, Math.max(1, meanM)],
  );
  return fitted ? { p: fitted[0], q: fitted[1], gamma: fitted[2] } : null;
}
