// Rule 2 of docs/product.md: only a customer whose Shopify email marketing state is SUBSCRIBED, with
// a deliverable address, gets marketing email. Anything unknown is treated as "no consent".
import { PASS, skipped, type RuleResult } from "./rule-result";

export const EMAIL_CONSENT_STATES = [
  "SUBSCRIBED",
  "NOT_SUBSCRIBED",
  "PENDING",
  "UNSUBSCRIBED",
  "REDACTED",
  "INVALID",
] as const;
export type EmailConsentState = (typeof EMAIL_CONSENT_STATES)[number];

export interface ConsentInput {
  /** Customer.emailConsent (Shopify's marketingState) */
  emailConsent: string;
  email?: string | null;
  deletedAt?: Date | null;
  redactedAt?: Date | null;
  /** from delivery events: the address hard-bounced or the recipient reported spam */
  suppression?: { bounced?: boolean; complained?: boolean } | null;
}

const STATE_REASONS: Record<Exclude<EmailConsentState, "SUBSCRIBED">, string> = {
  NOT_SUBSCRIBED: "email consent is NOT_SUBSCRIBED (never opted in)",
  PENDING: "email consent is PENDING (double opt-in not confirmed)",
  UNSUBSCRIBED: "email consent is UNSUBSCRIBED",
  REDACTED: "email consent is REDACTED",
  INVALID: "email consent is INVALID (address rejected by Shopify)",
};

function isConsentState(value: string): value is EmailConsentState {
  return (EMAIL_CONSENT_STATES as readonly string[]).includes(value);
}

export function consentDecision(input: ConsentInput): RuleResult {
  if (input.deletedAt) return skipped("customer deleted");
  if (input.redactedAt) return skipped("customer data redacted");
  if (!input.email?.trim()) return skipped("no email address");
  if (input.suppression?.complained) return skipped("address suppressed: recipient reported spam");
  if (input.suppression?.bounced) return skipped("address suppressed: bounced");
  const state = input.emailConsent;
  if (!isConsentState(state)) return skipped(`email consent state unknown (${state || "empty"})`);
  if (state === "SUBSCRIBED") return PASS;
  return skipped(STATE_REASONS[state]);
}
