// Admin API failures → the few problems the admin explains in ja/en (app/i18n/admin-error-words.ts).
import { adminErrorWords } from "~/i18n/admin-error-words";
import { createI18n } from "~/i18n/i18n";
import { AdminApiError } from "~/modules/platform/shopify/admin-port";
import { ADMIN_PROBLEMS, adminProblemOf } from "~/modules/platform/shopify/admin-problem";

const http = (status: number) =>
  new AdminApiError({ kind: "http", operation: "shop", status, messages: [`HTTP ${status}`] });

test.each([
  [http(401), "permission"],
  [http(403), "permission"],
  [
    new AdminApiError({
      kind: "graphql",
      operation: "shop",
      messages: ["Access denied for shop field"],
      codes: ["ACCESS_DENIED"],
    }),
    "permission",
  ],
  [new AdminApiError({ kind: "throttled", operation: "shop", messages: ["Throttled"] }), "throttled"],
  [http(429), "throttled"],
  [http(502), "unavailable"],
  [new AdminApiError({ kind: "network", operation: "shop", messages: ["ECONNRESET"] }), "unavailable"],
  [
    AdminApiError.fromUserErrors("discountAutomaticAppCreate", [
      { field: ["title"], message: "Title is invalid", code: "INVALID" },
    ]),
    "refused",
  ],
  [new AdminApiError({ kind: "not_found", operation: "bulk", messages: ["no such operation"] }), "not_found"],
  [
    new Error("x.myshopify.com has no offline session: open the app from the shop's admin once so it can authenticate"),
    "session",
  ],
  [new Error("something else entirely"), "unknown"],
  [null, "unknown"],
] as const)("%s → %s", (error, problem) => {
  expect(adminProblemOf(error)).toBe(problem);
});

test("a stored message (an import job's error) is classified like the error itself", () => {
  for (const error of [
    http(403),
    http(503),
    AdminApiError.fromUserErrors("op", [{ field: null, message: "nope", code: null }]),
  ]) {
    expect(adminProblemOf(error.message)).toBe(adminProblemOf(error));
  }
});

test("every problem has words in both languages that say what to do, and no Shopify text", () => {
  for (const locale of ["en", "ja"] as const) {
    const i18n = createI18n(locale);
    const texts = ADMIN_PROBLEMS.map((p) => adminErrorWords(i18n, p));
    expect(new Set(texts).size).toBe(ADMIN_PROBLEMS.length);
    for (const text of texts) expect(text).not.toMatch(/user_errors|userErrors|GraphQL|\{/);
  }
  expect(adminErrorWords(createI18n("ja"), "throttled")).toMatch(/お試しください/);
});
