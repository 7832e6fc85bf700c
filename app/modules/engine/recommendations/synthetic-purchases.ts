// A seeded synthetic store for the offline evaluation of recommendations: products in categories
// with skewed popularity, customers with one or two favourite categories who buy and browse
// mostly there, a share of consumables that get re-bought. Deterministic for a seed. The taste
// structure is what real shops have and what a bestseller list cannot see; the popularity skew is
// what makes bestsellers a strong baseline.
import { seededRandom } from "~/modules/platform/demo/sample-store";
import { itemAt } from "~/lib/arrays";

export interface SyntheticProduct {
  gid: string;
  title: string;
  category: number;
  consumable: boolean;
  /** unit price, milli-units */
  price: bigint;
}

export interface SyntheticOrder {
  customer: number;
  at: Date;
  products: string[];
}

export interface SyntheticView {
  customer: number;
  at: Date;
  product: string;
}

export interface SyntheticStore {
  products: SyntheticProduct[];
  customers: number;
  orders: SyntheticOrder[];
  views: SyntheticView[];
  start: Date;
  end: Date;
}

export interface SyntheticOptions {
  seed?: number;
  customers?: number;
  categories?: number;
  productsPerCategory?: number;
  /** the store's history runs from `end - days` to `end` */
  days?: number;
  end?: Date;
  /** share of an order's items drawn from the buyer's favourite categories */
  affinity?: number;
}

const DAY = 86_400_000;

export function syntheticStore(options: SyntheticOptions = {}): SyntheticStore {
  const rand = seededRandom(options.seed ?? 42);
  const categories = options.categories ?? 10;
  const perCategory = options.productsPerCategory ?? 12;
  const customers = options.customers ?? 2000;
  const days = options.days ?? 365;
  const end = options.end ?? new Date("2026-10-01T00:00:00Z");
  const start = new Date(end.getTime() - days * DAY);
  const affinity = options.affinity ?? 0.7;

  const products: SyntheticProduct[] = [];
  for (let c = 0; c < categories; c++) {
    for (let i = 0; i < perCategory; i++) {
      const n = c * perCategory + i;
      products.push({
        gid: `gid://shopify/Product/${9_007_199_254_800_000n + BigInt(n)}`,
        title: `Category ${c + 1} item ${i + 1}`,
        category: c,
        // the first two categories are consumables (tea, refills): bought again and again
        consumable: c < 2,
        price: BigInt(500 + Math.floor(rand() * 50) * 100) * 1000n,
      });
    }
  }
  // Zipf-like popularity over the whole catalogue (shuffled so it cuts across categories)
  const popularity = products.map(() => 0);
  const order = products.map((_, i) => i).sort(() => rand() - 0.5);
  order.forEach((p, rank) => (popularity[p] = 1 / Math.pow(rank + 1, 0.9)));
  const pick = (candidates: number[]) => {
    const total = candidates.reduce((s, i) => s + itemAt(popularity, i), 0);
    let r = rand() * total;
    for (const i of candidates) if ((r -= itemAt(popularity, i)) <= 0) return i;
    return itemAt(candidates, candidates.length - 1, "candidate");
  };
  const all = products.map((_, i) => i);
  const inCategory = (c: number) => all.filter((i) => itemAt(products, i, "product").category === c);

  const orders: SyntheticOrder[] = [];
  const views: SyntheticView[] = [];
  for (let customer = 0; customer < customers; customer++) {
    const favourites = [Math.floor(rand() * categories)];
    if (rand() < 0.4) favourites.push(Math.floor(rand() * categories));
    const pool = favourites.flatMap(inCategory);
    // orders per customer: many buy once, some come back (geometric)
    let count = 1;
    while (count < 8 && rand() < 0.55) count++;
    const first = start.getTime() + rand() * days * DAY * 0.9;
    let at = first;
    let lastItems: number[] = [];
    for (let k = 0; k < count && at < end.getTime(); k++) {
      const items = new Set<number>();
      const size = 1 + (rand() < 0.4 ? 1 : 0) + (rand() < 0.15 ? 1 : 0);
      for (let s = 0; s < size; s++) {
        // consumables already bought are often bought again
        const again = lastItems.filter((i) => itemAt(products, i, "product").consumable);
        if (again.length > 0 && rand() < 0.5) items.add(itemAt(again, Math.floor(rand() * again.length)));
        else items.add(rand() < affinity ? pick(pool) : pick(all));
      }
      orders.push({ customer, at: new Date(at), products: [...items].map((i) => itemAt(products, i, "product").gid) });
      // browsing around the order, mostly in the favourite categories
      const viewCount = Math.floor(rand() * 5);
      for (let v = 0; v < viewCount; v++) {
        const product = rand() < 0.8 ? pick(pool) : pick(all);
        const viewedAt = at - rand() * 3 * DAY;
        if (viewedAt >= start.getTime())
          views.push({ customer, at: new Date(viewedAt), product: itemAt(products, product, "product").gid });
      }
      lastItems = [...items];
      at += (10 + rand() * 80) * DAY;
    }
  }
  orders.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { products, customers, orders, views, start, end };
}
