// The recommendation maths, pure (no database): the background job feeds it the shop's history
// and stores what it returns; the offline evaluation feeds it a synthetic store. Same code both
// ways, so the evaluated figures are the shipped algorithm's.
import { itemAt } from "~/lib/arrays";

export interface Neighbour {
  gid: string;
  score: number;
}

/** The products one person bought (or viewed), as one co-occurrence "basket" with a weight. */
export interface Basket {
  items: readonly string[];
  /** purchases count 1, views less: a view is a weaker signal of taste than a purchase */
  weight: number;
}

export interface SimilarityOptions {
  topK: number;
  /**
   * Shrinkage λ: a pair seen together n times keeps n/(n+λ) of its cosine, so a pair that one
   * shopper happened to buy together does not outrank a pattern seen across many shoppers.
   */
  shrinkage: number;
  /** the most items one basket contributes (pairs grow with its square) */
  maxBasketItems: number;
}

export const DEFAULT_SIMILARITY: SimilarityOptions = { topK: 20, shrinkage: 3, maxBasketItems: 50 };

/**
 * Item-to-item cosine similarity over weighted baskets, shrunk by co-occurrence count: for
 * products i and j, cos = C(i,j) / sqrt(N(i)·N(j)) with C and N weighted counts; score =
 * cos · n(i,j) / (n(i,j) + λ) where n is the unweighted number of baskets holding both.
 */
export function itemSimilarity(
  baskets: readonly Basket[],
  options: SimilarityOptions = DEFAULT_SIMILARITY,
): Map<string, Neighbour[]> {
  const itemWeight = new Map<string, number>();
  const pairWeight = new Map<string, number>();
  const pairCount = new Map<string, number>();
  for (const basket of baskets) {
    const items = [...new Set(basket.items)].slice(0, options.maxBasketItems);
    for (const item of items) itemWeight.set(item, (itemWeight.get(item) ?? 0) + basket.weight);
    for (let a = 0; a < items.length; a++) {
      for (let b = a + 1; b < items.length; b++) {
        const key = pairKey(itemAt(items, a, "item"), itemAt(items, b, "item"));
        pairWeight.set(key, (pairWeight.get(key) ?? 0) + basket.weight);
        pairCount.set(key, (pairCount.get(key) ?? 0) + 1);
      }
    }
  }
  const lists = new Map<string, Neighbour[]>();
  for (const [key, weight] of pairWeight) {
    const [i, j] = key.split("\u0000") as [string, string]; // pairKey joins exactly two ids
    const cosine = weight / Math.sqrt(itemWeight.get(i)! * itemWeight.get(j)!);
    const n = pairCount.get(key)!;
    const score = cosine * (n / (n + options.shrinkage));
    push(lists, i, { gid: j, score });
    push(lists, j, { gid: i, score });
  }
  return topK(lists, options.topK);
}

/** One customer's first and second orders (distinct products of each). */
export interface FirstSecond {
  first: readonly string[];
  second: readonly string[];
}

/**
 * "People who bought A first went on to buy B": for each first-order product A, the products of
 * the second orders of its buyers (A itself excluded — buying it again is replenishment), scored
 * by the share of A's first-time buyers who did so, shrunk like the similarity.
 */
export function nextPurchases(
  rows: readonly FirstSecond[],
  options: Pick<SimilarityOptions, "topK" | "shrinkage"> = DEFAULT_SIMILARITY,
): Map<string, Neighbour[]> {
  const firstBuyers = new Map<string, number>();
  const pairs = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const first = new Set(row.first);
    const second = new Set(row.second);
    for (const a of first) {
      firstBuyers.set(a, (firstBuyers.get(a) ?? 0) + 1);
      const next = pairs.get(a) ?? new Map<string, number>();
      for (const b of second) if (!first.has(b)) next.set(b, (next.get(b) ?? 0) + 1);
      pairs.set(a, next);
    }
  }
  const lists = new Map<string, Neighbour[]>();
  for (const [a, next] of pairs) {
    const buyers = firstBuyers.get(a)!;
    for (const [b, n] of next) push(lists, a, { gid: b, score: (n / buyers) * (n / (n + options.shrinkage)) });
  }
  return topK(lists, options.topK);
}

export interface Purchase {
  person: string;
  product: string;
  at: Date;
}

export interface ReorderStat {
  buyers: number;
  /** people who bought it in two or more separate purchases */
  reorderCustomers: number;
  /** median days between one person's consecutive purchases of it; null when nobody reordered */
  medianIntervalDays: number | null;
}

/** Purchases of the same product by the same person less than a day apart are one purchase. */
const SAME_PURCHASE_MS = 86_400_000;

export function reorderStats(purchases: readonly Purchase[]): Map<string, ReorderStat> {
  const byProductPerson = new Map<string, Map<string, number[]>>();
  for (const p of purchases) {
    const people = byProductPerson.get(p.product) ?? new Map<string, number[]>();
    const times = people.get(p.person);
    if (times) times.push(p.at.getTime());
    else people.set(p.person, [p.at.getTime()]);
    byProductPerson.set(p.product, people);
  }
  const out = new Map<string, ReorderStat>();
  for (const [product, people] of byProductPerson) {
    const intervals: number[] = [];
    let reorderCustomers = 0;
    for (const times of people.values()) {
      const [firstTime, ...later] = times.sort((a, b) => a - b);
      if (firstTime === undefined) continue;
      let last = firstTime;
      let reordered = false;
      for (const t of later) {
        if (t - last < SAME_PURCHASE_MS) continue;
        intervals.push((t - last) / 86_400_000);
        last = t;
        reordered = true;
      }
      if (reordered) reorderCustomers++;
    }
    out.set(product, { buyers: people.size, reorderCustomers, medianIntervalDays: median(intervals) });
  }
  return out;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? itemAt(sorted, mid) : (itemAt(sorted, mid - 1) + itemAt(sorted, mid)) / 2;
}

/** A product the customer interacted with, weighted by kind and recency. */
export interface Seed {
  gid: string;
  weight: number;
}

export interface RankInput {
  seeds: readonly Seed[];
  neighbours: (gid: string) => readonly Neighbour[];
  /** the fallback, best first */
  bestsellers: readonly string[];
  /** false for anything that must not be shown to this customer */
  allowed: (gid: string) => boolean;
  limit: number;
}

/**
 * A customer's list: the neighbours of their seeds, each neighbour's score summed over seeds
 * (weighted), best first; what is left of the limit is filled with bestsellers.
 */
export function rankRecommendations(input: RankInput): string[] {
  const scores = new Map<string, number>();
  for (const seed of input.seeds) {
    for (const n of input.neighbours(seed.gid)) scores.set(n.gid, (scores.get(n.gid) ?? 0) + seed.weight * n.score);
  }
  const ranked = [...scores].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([gid]) => gid);
  const out: string[] = [];
  const taken = new Set<string>();
  for (const gid of [...ranked, ...input.bestsellers]) {
    if (out.length >= input.limit) break;
    if (taken.has(gid) || !input.allowed(gid)) continue;
    taken.add(gid);
    out.push(gid);
  }
  return out;
}

/** Seed weight of an interaction `ageDays` old: halves every `halfLifeDays`. */
export function recencyWeight(ageDays: number, halfLifeDays: number): number {
  return Math.pow(0.5, Math.max(0, ageDays) / halfLifeDays);
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

function push(lists: Map<string, Neighbour[]>, gid: string, neighbour: Neighbour): void {
  const list = lists.get(gid);
  if (list) list.push(neighbour);
  else lists.set(gid, [neighbour]);
}

function topK(lists: Map<string, Neighbour[]>, k: number): Map<string, Neighbour[]> {
  for (const [gid, list] of lists)
    lists.set(gid, list.sort((a, b) => b.score - a.score || a.gid.localeCompare(b.gid)).slice(0, k));
  return lists;
}
