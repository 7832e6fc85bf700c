import { consentDecision, EMAIL_CONSENT_STATES } from "~/modules/engine/rules/consent";

const subscribed = { emailConsent: "SUBSCRIBED", email: "hanako@example.jp" };

describe("consentDecision", () => {
  test("only SUBSCRIBED passes", () => {
    expect(consentDecision(subscribed)).toEqual({ pass: true });
  });

  test.each(EMAIL_CONSENT_STATES.filter((s) => s !== "SUBSCRIBED"))("%s is skipped, naming the state", (state) => {
    const result = consentDecision({ ...subscribed, emailConsent: state });
    expect(result).toMatchObject({ pass: false, outcome: "skipped" });
    expect(!result.pass && result.reason).toContain(state);
  });

  test("an unknown or empty state is treated as no consent", () => {
    expect(consentDecision({ ...subscribed, emailConsent: "subscribed" })).toMatchObject({
      outcome: "skipped",
      reason: "email consent state unknown (subscribed)",
    });
    expect(consentDecision({ ...subscribed, emailConsent: "" })).toMatchObject({
      outcome: "skipped",
      reason: "email consent state unknown (empty)",
    });
  });

  test("bounced and complained addresses are skipped even when subscribed", () => {
    expect(consentDecision({ ...subscribed, suppression: { bounced: true } })).toEqual({
      pass: false,
      outcome: "skipped",
      reason: "address suppressed: bounced",
    });
    expect(consentDecision({ ...subscribed, suppression: { complained: true } })).toEqual({
      pass: false,
      outcome: "skipped",
      reason: "address suppressed: recipient reported spam",
    });
    expect(consentDecision({ ...subscribed, suppression: { bounced: false, complained: false } })).toEqual({
      pass: true,
    });
    expect(consentDecision({ ...subscribed, suppression: null })).toEqual({ pass: true });
  });

  test("deleted or redacted customers are skipped whatever their consent says", () => {
    const when = new Date("2026-01-01T00:00:00Z");
    expect(consentDecision({ ...subscribed, deletedAt: when })).toMatchObject({
      outcome: "skipped",
      reason: "customer deleted",
    });
    expect(consentDecision({ ...subscribed, redactedAt: when })).toMatchObject({
      outcome: "skipped",
      reason: "customer data redacted",
    });
  });

  test("no address, nothing to send to", () => {
    expect(consentDecision({ ...subscribed, email: null })).toMatchObject({
      outcome: "skipped",
      reason: "no email address",
    });
    expect(consentDecision({ ...subscribed, email: "  " })).toMatchObject({
      outcome: "skipped",
      reason: "no email address",
    });
  });
});
