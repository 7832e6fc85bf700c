// The send rules of docs/product.md as pure functions over plain data (the engine loads the data).
export { PASS, deferred, heldOut, skipped, type RuleOutcome, type RuleResult } from "./rule-result";
export { consentDecision, EMAIL_CONSENT_STATES, type ConsentInput, type EmailConsentState } from "./consent";
export {
  frequencyCapDecisions,
  type CapCandidate,
  type CapDecision,
  type FrequencyCapInput,
  type SentMarketingEmail,
} from "./frequency-cap";
export { isQuietHour, quietHoursDecision, type QuietHours } from "./quiet-hours";
export { holdoutBucket, holdoutDecision, isHeldOut } from "./holdout";
export {
  addLocalDays,
  atLocalTime,
  canonicalTimeZone,
  isValidTimeZone,
  localTimeToInstant,
  nextLocalHour,
  offsetMinutes,
  startOfLocalDay,
  zonedParts,
  type LocalDate,
  type ZonedParts,
} from "../../platform/time/shop-time";
