// Rule 5 of docs/product.md: no marketing email during the shop's quiet hours (21:00–08:00 shop time
// by default). A send that falls inside is deferred to the window's end, never dropped.
import { PASS, deferred, type RuleResult } from "./rule-result";
import { nextLocalHour, zonedParts } from "../../platform/time/shop-time";

export interface QuietHours {
  /** 0–23: quiet from startHour:00 … */
  startHour: number;
  /** 0–23: … until endHour:00 (before startHour means the window crosses midnight) */
  endHour: number;
}

function pad(hour: number): string {
  return `${String(hour).padStart(2, "0")}:00`;
}

/** Whether the shop-local hour falls inside the window; an empty window (start = end) never does. */
export function isQuietHour(localHour: number, window: QuietHours): boolean {
  const { startHour, endHour } = window;
  if (startHour === endHour) return false;
  return startHour < endHour
    ? localHour >= startHour && localHour < endHour
    : localHour >= startHour || localHour < endHour;
}

export function quietHoursDecision(now: Date, timezone: string, window: QuietHours | null): RuleResult {
  if (!window) return PASS;
  if (!isQuietHour(zonedParts(now, timezone).hour, window)) return PASS;
  const until = nextLocalHour(now, window.endHour, timezone);
  return deferred(`quiet hours ${pad(window.startHour)}–${pad(window.endHour)} (${timezone})`, until);
}
