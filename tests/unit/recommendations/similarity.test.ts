// The recommendation maths on hand-made data: similarity with shrinkage, "bought next", reorder
// intervals, and how a customer's list is ranked, filtered and filled.
import {
  itemSimilarity,
  median,
  nextPurchases,
  rankRecommendations,
  recencyWeight,
  reorderStats,
} from "~/modules/engine/recommendations/similarity";

const DAY = 86_400_000;

describe("itemSimilarity", () => {
  test("products bought together by many people are closer than a pair one person bought together", () => {
    const baskets = [
      ...Array.from({ length: 6 }, () => ({ items: ["tea", "cup"], weight: 1 })),
      { items: ["tea", "kettle"], weight: 1 },
      ...Array.from({ length: 5 }, () => ({ items: ["kettle"], weight: 1 })),
    ];
    const sim = itemSimilarity(baskets, { topK: 5, shrinkage: 3, maxBasketItems: 50 });
    const tea = sim.get("tea")!;
    expect(tea.map((n) => n.gid)).toEqual(["cup", "kettle"]);
    expect(tea[0]!.score).toBeGreaterThan(tea[1]!.score * 3);
    // symmetric
    expect(sim.get("cup")![0]).toEqual({ gid: "tea", score: tea[0]!.score });
  });

  test("views count less than purchases; top-K cuts the list", () => {
    const sim = itemSimilarity(
      [
        { items: ["a", "b"], weight: 1 },
        { items: ["a", "b"], weight: 1 },
        { items: ["a", "c"], weight: 0.3 },
        { items: ["a", "c"], weight: 0.3 },
        { items: ["a", "d"], weight: 0.3 },
      ],
      { topK: 2, shrinkage: 1, maxBasketItems: 50 },
    );
    expect(sim.get("a")!.map((n) => n.gid)).toEqual(["b", "c"]);
  });
});

test("nextPurchases: what first-time buyers of A bought in their second order, never A itself", () => {
  const rows = [
    { first: ["starter"], second: ["refill", "starter"] },
    { first: ["starter"], second: ["refill"] },
    { first: ["starter"], second: ["cup"] },
    { first: ["cup"], second: ["saucer"] },
  ];
  const next = nextPurchases(rows, { topK: 5, shrinkage: 1 });
  expect(next.get("starter")!.map((n) => n.gid)).toEqual(["refill", "cup"]);
  expect(next.get("cup")!.map((n) => n.gid)).toEqual(["saucer"]);
});

test("reorderStats: per-person intervals, same-day repeats merged, median across people", () => {
  const t0 = Date.UTC(2026, 0, 1);
  const buy = (person: string, product: string, day: number) => ({ person, product, at: new Date(t0 + day * DAY) });
  const stats = reorderStats([
    buy("a", "refill", 0),
    buy("a", "refill", 0.2),
    buy("a", "refill", 30),
    buy("a", "refill", 60),
    buy("b", "refill", 0),
    buy("b", "refill", 40),
    buy("c", "refill", 5),
    buy("a", "pot", 0),
  ]);
  expect(stats.get("refill")).toEqual({ buyers: 3, reorderCustomers: 2, medianIntervalDays: 30 });
  expect(stats.get("pot")).toEqual({ buyers: 1, reorderCustomers: 0, medianIntervalDays: null });
  expect(median([3, 1, 2, 10])).toBe(2.5);
});

test("rankRecommendations sums neighbours over weighted seeds, skips what is not allowed and fills with bestsellers", () => {
  const neighbours: Record<string, { gid: string; score: number }[]> = {
    a: [
      { gid: "x", score: 0.5 },
      { gid: "y", score: 0.4 },
    ],
    b: [
      { gid: "y", score: 0.4 },
      { gid: "z", score: 0.9 },
    ],
  };
  const list = rankRecommendations({
    seeds: [
      { gid: "a", weight: 1 },
      { gid: "b", weight: 0.5 },
    ],
    neighbours: (gid) => neighbours[gid] ?? [],
    bestsellers: ["best1", "x", "best2", "best3"],
    allowed: (gid) => gid !== "z",
    limit: 4,
  });
  // y: 0.4 + 0.2 = 0.6 > x: 0.5; z is excluded; then bestsellers without repeats
  expect(list).toEqual(["y", "x", "best1", "best2"]);
  expect(recencyWeight(14, 14)).toBeCloseTo(0.5);
});
