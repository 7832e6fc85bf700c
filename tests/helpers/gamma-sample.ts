// Gamma(shape, scale) draws from a seeded uniform source, for the BG/NBD simulations
// (tests/unit/reports/clv.test.ts, tests/helpers/bgnbd-shop.ts).

/** Marsaglia–Tsang, with the shape < 1 boost. */
export function gammaSample(shape: number, scale: number, u: () => number): number {
  if (shape < 1) return gammaSample(shape + 1, scale, u) * Math.pow(u() || 1e-12, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
    const v = Math.pow(1 + c * z, 3);
    if (v > 0 && Math.log(u() || 1e-12) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v * scale;
  }
}
