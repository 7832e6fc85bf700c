// What went wrong with a Shopify Admin API call, as one of a few codes the admin can put into
// plain words with what to do next. Shopify's own texts (user_errors, GraphQL messages) are for
// the log: they are English, technical and sometimes name fields the merchant never sees.
// Pure, so a stored error text (an import job's) is classified the same way as a live error.

export const ADMIN_PROBLEMS = [
  "permission",
  "session",
  "throttled",
  "unavailable",
  "refused",
  "not_found",
  "unknown",
] as const;
export type AdminProblem = (typeof ADMIN_PROBLEMS)[number];

interface ErrorShape {
  kind?: unknown;
  status?: unknown;
  codes?: unknown;
  message?: unknown;
}

/** An AdminApiError (or its message, as stored), or any other error: its problem code. */
export function adminProblemOf(error: unknown): AdminProblem {
  const shape: ErrorShape = typeof error === "object" && error !== null ? (error as ErrorShape) : {};
  const message = typeof error === "string" ? error : typeof shape.message === "string" ? shape.message : "";
  // AdminApiError's message: "Shopify Admin API <operation> failed (<kind>[ <status>]): …"
  const parsed = /^Shopify Admin API \S+ failed \((\w+)(?: (\d{3}))?\)/.exec(message);
  const kind = typeof shape.kind === "string" ? shape.kind : (parsed?.[1] ?? null);
  const status = typeof shape.status === "number" ? shape.status : parsed?.[2] ? Number(parsed[2]) : null;
  const codes = Array.isArray(shape.codes) ? shape.codes.map(String) : [];
  if (
    codes.includes("ACCESS_DENIED") ||
    /ACCESS_DENIED|access denied/i.test(message) ||
    status === 401 ||
    status === 403
  )
    return "permission";
  if (/has no offline session|is not known here/.test(message)) return "session";
  if (kind === "throttled" || status === 429 || codes.includes("THROTTLED")) return "throttled";
  if (kind === "network" || kind === "invalid_response" || (status !== null && status >= 500)) return "unavailable";
  if (kind === "not_found" || status === 404) return "not_found";
  if (kind === "user_errors" || kind === "graphql" || kind === "http") return "refused";
  return "unknown";
}
