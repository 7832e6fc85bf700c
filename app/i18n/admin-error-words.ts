// An Admin API problem (app/modules/platform/shopify/admin-problem.ts) in the admin's language, saying
// what to do next.
import type { AdminProblem } from "~/modules/platform/shopify/admin-problem";
import type { I18n } from "./i18n";

export function adminErrorWords(i18n: I18n, problem: AdminProblem): string {
  return i18n.t(`adminError.${problem}`);
}
