// A shop whose customers buy exactly as the BG/NBD model says, with known parameters: the
// CDNOW-like test of the CLV model through the CLI (tests/integration/clv-period.test.ts).
// Seeded, so every run draws the same shop. Purchases: Poisson at rate λ ~ Gamma(r, α) per
// week while alive; after each repeat purchase the customer drops out with probability p ~ Beta(a, b).
import type { Db } from "~/db.server";
import { seededRandom } from "~/modules/platform/demo/sample-store";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { gammaSample } from "./gamma-sample";

const WEEK_MS = 7 * 86_400_000;

export interface BgNbdShopOptions {
  params: { r: number; alpha: number; a: number; b: number };
  customers: number;
  /** first purchases spread evenly over this many weeks from `start` (CDNOW: 12) */
  acquisitionWeeks: number;
  /** purchases are drawn up to start + this many weeks (CDNOW: 78) */
  weeks: number;
  start: Date;
  seed: number;
}

/** Each customer's purchase instants (the first is the acquisition), drawn from the BG/NBD process. */
export function simulatePurchases(options: BgNbdShopOptions): Date[][] {
  const u = seededRandom(options.seed);
  const { r, alpha, a, b } = options.params;
  return Array.from({ length: options.customers }, () => {
    const lambda = gammaSample(r, 1 / alpha, u);
    const ga = gammaSample(a, 1, u);
    const p = ga / (ga + gammaSample(b, 1, u));
    let t = u() * options.acquisitionWeeks;
    const times = [t];
    // BG/NBD: the dropout can follow each repeat purchase (never the first, so x = 0 means alive).
    for (;;) {
      t += -Math.log(u() || 1e-12) / lambda;
      if (t > options.weeks) break;
      times.push(t);
      if (u() < p) break;
    }
    return times.map((w) => new Date(options.start.getTime() + w * WEEK_MS));
  });
}

/** Seeds a local UTC shop with those customers and their orders (net 20–60 each), rollups included. */
export async function seedBgNbdShop(
  db: Db,
  domain: string,
  options: BgNbdShopOptions,
): Promise<{ shopId: string; orders: number }> {
  const { shopId } = await registerLocalShop({ db, domain, timezone: "UTC", currency: "USD" });
  const histories = simulatePurchases(options);
  const u = seededRandom(options.seed + 1);
  let orderNumber = 0;
  for (let from = 0; from < histories.length; from += 500) {
    const batch = histories.slice(from, from + 500);
    const customers = batch.map((times, i) => {
      const prices = times.map(() => BigInt(20_000 + Math.floor(u() * 40_000)));
      return { id: `bgnbd-${from + i}`, times, prices };
    });
    await db.customer.createMany({
      data: customers.map((c, i) => ({
        id: c.id,
        shopId,
        gid: `gid://shopify/Customer/${from + i + 1}`,
        ordersCount: c.times.length,
        netSpend: c.prices.reduce((s, p) => s + p, 0n),
        firstOrderAt: c.times[0],
        secondOrderAt: c.times[1] ?? null,
        lastOrderAt: c.times[c.times.length - 1],
        purchaseDays: new Set(c.times.map((at) => at.toISOString().slice(0, 10))).size,
        purchaseDaysZone: "UTC",
      })),
    });
    await db.order.createMany({
      data: customers.flatMap((c) =>
        c.times.map((at, k) => {
          orderNumber += 1;
          return {
            shopId,
            gid: `gid://shopify/Order/${orderNumber}`,
            customerId: c.id,
            totalPrice: c.prices[k],
            subtotalPrice: c.prices[k],
            financialStatus: "paid",
            counted: true,
            shopifyCreatedAt: at,
          };
        }),
      ),
    });
  }
  return { shopId, orders: orderNumber };
}
