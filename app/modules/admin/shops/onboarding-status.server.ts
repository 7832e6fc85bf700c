// What the Onboarding page and Home's attention list need to know about setting a shop up: the
// history import's progress, and whether the storefront pixel is registered; for the Onboarding
// page alone (it asks Shopify), the checkout discount's state and the theme editor's deep link.
import type { Db, Tx } from "~/db.server";
import { log } from "~/lib/log.server";
import { checkoutDiscountStatus, type CheckoutDiscountStatus } from "~/modules/admin/guard/checkout-discount.server";
import { guardAdminPort } from "~/modules/admin/guard/checkout-discount-admin.server";
import { adminProblemOf, type AdminProblem } from "~/modules/platform/shopify/admin-problem";
import { IMPORT_STAGES, readImportCounts } from "~/modules/ingest/import/run-history-import.server";

export interface ImportProgress {
  status: "queued" | "running" | "done" | "failed";
  stage: string;
  /** 0–1: finished stages out of three, plus the running stage's share of its lines once known */
  progress: number;
  /** the running stage's lines applied and its bulk operation's line count (null until Shopify reports it) */
  linesDone: number;
  objectCount: number | null;
  /** the importer's estimate as of its last batch, null while unknown */
  secondsLeft: number | null;
  /** objects applied so far, by stage */
  counts: Record<string, number>;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** the last sign of life of a running import, ISO 8601 */
  heartbeatAt: string | null;
}

export interface OnboardingStatus {
  isLocal: boolean;
  import: ImportProgress | null;
  pixel: { connected: boolean };
}

function importProgress(job: {
  status: string;
  stage: string;
  counts: string;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  linesDone: number;
  objectCount: number | null;
  secondsLeft: number | null;
}): ImportProgress {
  const status = (["queued", "running", "done", "failed"] as const).find((s) => s === job.status) ?? "running";
  const stageIndex = (IMPORT_STAGES as readonly string[]).indexOf(job.stage);
  const withinStage = job.objectCount ? Math.min(1, job.linesDone / job.objectCount) : 0;
  const progress =
    status === "done" || job.stage === "done"
      ? 1
      : (Math.max(0, stageIndex) + (stageIndex >= 0 ? withinStage : 0)) / IMPORT_STAGES.length;
  return {
    status,
    stage: job.stage,
    progress,
    linesDone: job.linesDone,
    objectCount: job.objectCount,
    secondsLeft: status === "running" ? job.secondsLeft : null,
    counts: readImportCounts(job.counts),
    error: job.error,
    startedAt: job.startedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    heartbeatAt: job.heartbeatAt?.toISOString() ?? null,
  };
}

export async function getOnboardingStatus(db: Tx, shopId: string): Promise<OnboardingStatus> {
  const [shop, job] = await Promise.all([
    db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { isLocal: true, webPixelId: true } }),
    db.importJob.findFirst({ where: { shopId }, orderBy: { startedAt: "desc" } }),
  ]);
  return {
    isLocal: shop.isLocal,
    import: job ? importProgress(job) : null,
    pixel: { connected: shop.webPixelId !== null },
  };
}

/**
 * The checkout discount as the Onboarding page shows it. "unknown" carries the Admin API error:
 * the page still renders when Shopify cannot be asked.
 */
export type CheckoutDiscountState =
  | { state: "active"; discountId: string }
  /** Joren's discount exists but is not running (paused or expired), or was deleted in Shopify */
  | { state: "inactive"; discountId: string }
  /** the Function is deployed but Joren has created no discount for it yet */
  | { state: "not_created" }
  | { state: "function_not_deployed" }
  | { state: "unknown"; problem: AdminProblem };

export function checkoutDiscountState(status: CheckoutDiscountStatus): CheckoutDiscountState {
  if (status.active && status.discountId) return { state: "active", discountId: status.discountId };
  if (status.discountId) return { state: "inactive", discountId: status.discountId };
  return status.functionFound ? { state: "not_created" } : { state: "function_not_deployed" };
}

export async function getCheckoutDiscountState(
  db: Db,
  shop: { id: string; domain: string },
): Promise<CheckoutDiscountState> {
  try {
    const { admin } = await guardAdminPort(db, shop.domain);
    return checkoutDiscountState(await checkoutDiscountStatus({ db, shopId: shop.id, admin }));
  } catch (error) {
    log("warn", "checkout discount status could not be read", { shop: shop.domain, error: (error as Error).message });
    return { state: "unknown", problem: adminProblemOf(error) };
  }
}

/**
 * Shopify has no cheap API that says whether an app embed is on, so the page links to the theme
 * editor with the embed preselected (Shopify's deep link: `activateAppId={api key}/{block file
 * name}`) instead of claiming a state it cannot know.
 */
export const THEME_EMBED_HANDLE = "first-purchase-guard";

export function themeEmbedEditorUrl(shopDomain: string, apiKey: string): string {
  return `https://${shopDomain}/admin/themes/current/editor?context=apps&activateAppId=${encodeURIComponent(apiKey)}/${THEME_EMBED_HANDLE}`;
}
