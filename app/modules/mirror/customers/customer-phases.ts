// The phases in docs/product.md's order, for lists and filters (client and server alike).
import type { CustomerPhase } from "~/modules/mirror/guard/classify-customer";

export type { CustomerPhase } from "~/modules/mirror/guard/classify-customer";

export const CUSTOMER_PHASES = [
  "prospect",
  "new",
  "repeat",
  "regular",
  "dormant",
] as const satisfies readonly CustomerPhase[];
