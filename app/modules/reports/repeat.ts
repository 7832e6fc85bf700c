// Repeat rate, F2/F3/F4, the F-stage funnel and the days to the second order, assembled from
// the counts the database returns (pure).
import { ratio, roundRate } from "./stats";
import type { FunnelStage, RepeatReport } from "./types";
import { itemAt } from "~/lib/arrays";

export const F2_WINDOWS = [30, 60, 90, 180] as const;
export const FUNNEL_STAGES = 5;

export interface RepeatCounts {
  /** customers by counted orders, the last bucket holding FUNNEL_STAGES or more: byOrders[k-1] */
  byOrders: number[];
  /** per window: customers whose first order is at least `days` old, and those of them with a second order within `days` */
  f2: { days: (typeof F2_WINDOWS)[number]; eligible: number; converted: number }[];
  medianDaysToSecondOrder: number | null;
}

export function assembleRepeat(counts: RepeatCounts): RepeatReport {
  const atLeast = new Array<number>(FUNNEL_STAGES + 2).fill(0);
  const stageAt = (k: number) => itemAt(atLeast, k, "funnel stage");
  for (let k = FUNNEL_STAGES; k >= 1; k -= 1) atLeast[k] = stageAt(k + 1) + (counts.byOrders[k - 1] ?? 0);
  const funnel: FunnelStage[] = [];
  for (let stage = 1; stage <= FUNNEL_STAGES; stage += 1) {
    funnel.push({
      stage,
      customers: stageAt(stage),
      conversion: stage === 1 ? 1 : roundRate(ratio(stageAt(stage), stageAt(stage - 1))),
    });
  }
  return {
    customers: stageAt(1),
    repeatCustomers: stageAt(2),
    f2Rate: roundRate(ratio(stageAt(2), stageAt(1))),
    f2Within: counts.f2.map(({ days, eligible, converted }) => ({
      days,
      eligible,
      rate: roundRate(ratio(converted, eligible)),
    })),
    f3Rate: roundRate(ratio(stageAt(3), stageAt(2))),
    f4Rate: roundRate(ratio(stageAt(4), stageAt(3))),
    funnel,
    medianDaysToSecondOrder:
      counts.medianDaysToSecondOrder === null ? null : Math.round(counts.medianDaysToSecondOrder * 10) / 10,
  };
}
