// Field builders the scenarios' settings schemas share (app/modules/engine/scenarios/<key>/settings.ts):
// every scenario is off until the merchant turns it on, and hours are shop-local (0–23) — the
// engine ticks every minute and compares them with the shop's clock.
import { incentiveSchema } from "./incentive";
import { flag, wholeNumber } from "./setting-fields";

export const off = () => flag().default(false);
export const hour = (value: number) => wholeNumber(0, 23, "o'clock").default(value);
export const coupon = (audience: "first_purchase" | "anyone") =>
  incentiveSchema({ audience, kind: "percent", value: 10, expiresDays: 14 });
