// RFM: recency, frequency and monetary scores 1–5 by quintile, and the named segments of the
// classic R × F map (with F replaced by the rounded mean of F and M, so spend counts too). Pure.
import { ratio, roundMoney, roundRate } from "./stats";
import type { RfmReport, RfmSegment, RfmSegmentKey } from "./types";
import { RFM_SEGMENTS } from "./types";
import { itemAt } from "~/lib/arrays";

export const RFM_SEGMENT_LABELS: Record<RfmSegmentKey, { ja: string; en: string }> = {
  champions: { ja: "優良顧客", en: "Champions" },
  loyal: { ja: "ロイヤル顧客", en: "Loyal" },
  potential_loyalists: { ja: "ロイヤル予備軍", en: "Potential loyalists" },
  new_customers: { ja: "新規顧客", en: "New customers" },
  promising: { ja: "有望顧客", en: "Promising" },
  need_attention: { ja: "要フォロー", en: "Need attention" },
  about_to_sleep: { ja: "休眠予備軍", en: "About to sleep" },
  at_risk: { ja: "離反リスク", en: "At risk" },
  cannot_lose: { ja: "失いたくない顧客", en: "Can't lose them" },
  hibernating: { ja: "休眠顧客", en: "Hibernating" },
};

/** The segment of an R score and an FM score (both 1–5). */
export function rfmSegment(r: number, fm: number): RfmSegmentKey {
  if (r <= 2) return fm <= 2 ? "hibernating" : fm <= 4 ? "at_risk" : "cannot_lose";
  if (r === 3) return fm <= 2 ? "about_to_sleep" : fm === 3 ? "need_attention" : "loyal";
  if (fm >= 4) return r === 5 ? "champions" : "loyal";
  if (fm === 1) return r === 5 ? "new_customers" : "promising";
  return "potential_loyalists";
}

/**
 * A quintile score from a rank: ranks 1..n in ascending order of the value (ties share the
 * rank of their first member, SQL's RANK()), cut into five equal parts. Ties are never split.
 */
export function quintileFromRank(rank: number, n: number): number {
  return Math.floor(((rank - 1) * 5) / n) + 1;
}

/** The FM score: the mean of F and M, halves rounded up. */
export function fmScore(f: number, m: number): number {
  return Math.floor((f + m + 1) / 2);
}

export interface RfmCell {
  r: number;
  fm: number;
  customers: number;
  revenue: number;
  recencyDaysSum: number;
  ordersSum: number;
}

export function assembleRfm(cells: readonly RfmCell[], thresholds: RfmReport["thresholds"], asOf: Date): RfmReport {
  const grid = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  const totals = new Map<RfmSegmentKey, { customers: number; revenue: number; recency: number; orders: number }>(
    RFM_SEGMENTS.map((key) => [key, { customers: 0, revenue: 0, recency: 0, orders: 0 }]),
  );
  let customers = 0;
  for (const cell of cells) {
    const row = itemAt(grid, cell.r - 1, "R score");
    row[cell.fm - 1] = itemAt(row, cell.fm - 1, "FM score") + cell.customers;
    customers += cell.customers;
    const t = totals.get(rfmSegment(cell.r, cell.fm));
    if (!t) continue;
    t.customers += cell.customers;
    t.revenue += cell.revenue;
    t.recency += cell.recencyDaysSum;
    t.orders += cell.ordersSum;
  }
  const segments: RfmSegment[] = RFM_SEGMENTS.map((key) => {
    const t = totals.get(key) ?? { customers: 0, revenue: 0, recency: 0, orders: 0 };
    return {
      key,
      label: RFM_SEGMENT_LABELS[key],
      customers: t.customers,
      share: roundRate(ratio(t.customers, customers)),
      revenue: roundMoney(t.revenue),
      averageRecencyDays: Math.round(ratio(t.recency, t.customers) * 10) / 10,
      averageOrders: Math.round(ratio(t.orders, t.customers) * 100) / 100,
    };
  });
  return { asOf: asOf.toISOString(), customers, grid, thresholds, segments };
}
