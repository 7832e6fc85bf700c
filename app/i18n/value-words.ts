// Words for values stored in the database (phases, ledger states, event names, import stages):
// a value this admin does not know yet is shown as stored instead of failing.
import type { MessageKey } from "./en";
import type { I18n } from "./i18n";
import { RFM_SEGMENT_LABELS } from "~/modules/reports/rfm";

function wordFor<T extends string>(i18n: I18n, known: readonly T[], prefix: string, value: string): string {
  return (known as readonly string[]).includes(value) ? i18n.t(`${prefix}${value}` as MessageKey) : value;
}

export const phaseWord = (i18n: I18n, phase: string) =>
  wordFor(i18n, ["prospect", "new", "repeat", "regular", "dormant"], "phase.", phase);
export const statusWord = (i18n: I18n, status: string) =>
  wordFor(i18n, ["planned", "deferred", "sending", "sent", "held_out", "skipped", "failed"], "status.", status);
export const eventWord = (i18n: I18n, name: string) =>
  wordFor(i18n, ["page_viewed", "product_viewed", "product_added_to_cart", "checkout_started"], "event.", name);
export const stageWord = (i18n: I18n, stage: string) =>
  wordFor(i18n, ["products", "customers", "orders", "done"], "onboarding.stage.", stage);

export type BadgeTone = "success" | "info" | "attention" | "warning" | "critical" | undefined;

export function phaseTone(phase: string): BadgeTone {
  return (
    { prospect: undefined, new: "info", repeat: "success", regular: "success", dormant: "warning" } as Record<
      string,
      BadgeTone
    >
  )[phase];
}

export const consentWord = (i18n: I18n, state: string) =>
  wordFor(i18n, ["SUBSCRIBED", "PENDING", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "INVALID", "REDACTED"], "consent.", state);
export const segmentWord = (i18n: I18n, segment: string) =>
  (RFM_SEGMENT_LABELS as Record<string, { ja: string; en: string } | undefined>)[segment]?.[i18n.locale] ?? segment;

// The engine records why a message was skipped, deferred or held out as English text for the
// log and the CLI; the admin shows the known ones in its language (an unknown one as stored).
const REASONS: [RegExp, MessageKey][] = [
  [/^quiet hours/, "reason.quietHours"],
  [/^frequency cap/, "reason.frequencyCap"],
  [/^control group/, "reason.controlGroup"],
  [/^address suppressed: bounced/, "reason.bounced"],
  [/^address suppressed: recipient reported spam/, "reason.spam"],
  [/^customer data redacted/, "reason.redacted"],
  [/^customer deleted/, "reason.deleted"],
  [/^no email address/, "reason.noEmail"],
  [/^email consent state|not subscribed/, "reason.noConsent"],
  [/^scenario is off/, "reason.scenarioOff"],
  [/^unsubscribed from Joren emails/, "reason.unsubscribed"],
  [/^nothing left to show/, "reason.nothingToShow"],
  [/^(interrupted|recovered after an interruption)/, "reason.interrupted"],
  [/first-purchase offer withheld/, "reason.offerWithheld"],
];

export function reasonWord(i18n: I18n, reason: string): string {
  const known = REASONS.find(([pattern]) => pattern.test(reason));
  return known ? i18n.t(known[1]) : reason;
}
