// The Shopify Admin API as Joren uses it: one small port, one real implementation
// (graphql-admin-port.server.ts, Admin GraphQL over HTTP) and one in-process fake
// (fake-admin-port.ts, for tests, local shops and the offline demo). Nothing outside
// app/modules/platform/shopify/ knows a GraphQL document or a Shopify response shape.

export const BULK_OPERATION_STATUSES = [
  "CREATED",
  "RUNNING",
  "COMPLETED",
  "FAILED",
  "CANCELED",
  "EXPIRED",
  "CANCELING",
] as const;

export type BulkOperationStatus = (typeof BULK_OPERATION_STATUSES)[number];

export interface BulkOperationInfo {
  id: string;
  status: BulkOperationStatus;
  /** the JSONL result (signed, valid seven days); null until COMPLETED, and when there is no result */
  url: string | null;
  /** objects processed so far (parents and children), i.e. lines of the JSONL */
  objectCount: number;
  /** ACCESS_DENIED | INTERNAL_SERVER_ERROR | TIMEOUT when the operation FAILED */
  errorCode: string | null;
}

export type EmailMarketingStateInput = "SUBSCRIBED" | "UNSUBSCRIBED";
/** How a subscription was given: CONFIRMED_OPT_IN after the person followed a confirmation email. */
export type EmailOptInLevel = "SINGLE_OPT_IN" | "CONFIRMED_OPT_IN";

export interface CustomerDiscountCodeInput {
  /** the code the customer types; unique in the shop */
  code: string;
  title: string;
  /** the only customer allowed to use it (gid://shopify/Customer/…) */
  customerGid: string;
  /** percent off, 0 < p ≤ 100 (10 means 10 % off); exactly one of percentage and amount */
  percentage?: number;
  /** fixed amount off the order, in shop currency units (500 means ¥500 / $500.00) */
  amount?: number;
  startsAt: Date;
  endsAt: Date;
}

export interface ShopInfo {
  name: string;
  currencyCode: string;
  ianaTimezone: string;
  /** the shop's primary locale, or null when it cannot be read (e.g. without read_locales) */
  primaryLocale: string | null;
}

/** One of the app's Shopify Functions deployed to the shop. */
export interface ShopifyFunctionInfo {
  id: string;
  /** the extension's handle (shopify.extension.toml) */
  handle: string | null;
  title: string;
  apiType: string;
}

export type DiscountClassName = "ORDER" | "PRODUCT" | "SHIPPING";

/** An automatic discount run by one of the app's Discount Functions. */
export interface AutomaticAppDiscountInput {
  title: string;
  /**
   * the Function's extension handle (shopify.extension.toml): stable across deploys and shops,
   * unlike its id; Admin API 2026-04 deprecates functionId in favour of it
   */
  functionHandle: string;
  startsAt: Date;
  discountClasses: DiscountClassName[];
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  /** the Function's configuration: a json metafield on the discount */
  configuration: { namespace: string; key: string; value: unknown };
}

export interface AutomaticDiscountStatus {
  /** ACTIVE, SCHEDULED or EXPIRED */
  status: string;
  functionId: string | null;
}

export interface AdminPort {
  /**
   * Starts a bulk query. The JSONL it produces is grouped: every child row (it carries
   * `__parentId`) follows its parent, before the next parent.
   */
  runBulkQuery(query: string): Promise<{ id: string }>;
  getBulkOperation(id: string): Promise<BulkOperationInfo>;
  /** The lines of a bulk result file, streamed (never loaded whole). */
  fetchJsonl(url: string): AsyncIterable<string>;
  /** optInLevel matters for SUBSCRIBED only (SINGLE_OPT_IN when absent) */
  updateEmailConsent(customerGid: string, state: EmailMarketingStateInput, optInLevel?: EmailOptInLevel): Promise<void>;
  /** A single-use code only that customer can redeem (once), valid between startsAt and endsAt. */
  createCustomerDiscountCode(input: CustomerDiscountCodeInput): Promise<{ discountGid: string }>;
  createWebPixel(settings: Record<string, string>): Promise<{ id: string }>;
  getShopInfo(): Promise<ShopInfo>;
  /** The app's Shopify Functions on this shop (every page). */
  listShopifyFunctions(): Promise<ShopifyFunctionInfo[]>;
  createAutomaticAppDiscount(input: AutomaticAppDiscountInput): Promise<{ discountId: string }>;
  /** null when no such automatic discount exists (e.g. the merchant deleted it) */
  getAutomaticDiscountStatus(discountId: string): Promise<AutomaticDiscountStatus | null>;
  /** Writes a json metafield on an owner (e.g. a discount's Function configuration). */
  setJsonMetafield(input: { ownerId: string; namespace: string; key: string; value: unknown }): Promise<void>;
}

export type AdminOperationName = keyof AdminPort;

export type AdminApiErrorKind =
  /** the mutation ran and refused the input (userErrors) */
  | "user_errors"
  /** top-level GraphQL errors (e.g. ACCESS_DENIED, a bad query) */
  | "graphql"
  /** still THROTTLED after every retry */
  | "throttled"
  /** a non-2xx HTTP answer (status set) */
  | "http"
  /** no answer at all (DNS, reset, timeout) */
  | "network"
  /** an answer that is not the shape the operation expects */
  | "invalid_response"
  /** the object asked for does not exist (e.g. an unknown bulk operation id) */
  | "not_found";

export interface AdminUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

/** Every failure of an AdminPort operation, real or fake, is one of these. */
export class AdminApiError extends Error {
  readonly kind: AdminApiErrorKind;
  readonly operation: string;
  readonly messages: string[];
  /** GraphQL error codes (extensions.code) or userError codes, when Shopify gave them */
  readonly codes: string[];
  readonly userErrors: AdminUserError[];
  /** HTTP status for kind "http" */
  readonly status: number | null;

  constructor(input: {
    kind: AdminApiErrorKind;
    operation: string;
    messages: string[];
    codes?: string[];
    userErrors?: AdminUserError[];
    status?: number | null;
    cause?: unknown;
  }) {
    const detail = input.messages.length > 0 ? input.messages.join("; ") : input.kind;
    super(
      `Shopify Admin API ${input.operation} failed (${input.kind}${input.status ? ` ${input.status}` : ""}): ${detail}`,
      {
        cause: input.cause,
      },
    );
    this.name = "AdminApiError";
    this.kind = input.kind;
    this.operation = input.operation;
    this.messages = input.messages;
    this.codes = input.codes ?? [];
    this.userErrors = input.userErrors ?? [];
    this.status = input.status ?? null;
  }

  static fromUserErrors(operation: string, userErrors: AdminUserError[]): AdminApiError {
    return new AdminApiError({
      kind: "user_errors",
      operation,
      messages: userErrors.map((e) =>
        e.field && e.field.length > 0 ? `${e.field.join(".")}: ${e.message}` : e.message,
      ),
      codes: userErrors.flatMap((e) => (e.code ? [e.code] : [])),
      userErrors,
    });
  }
}

export function isAdminApiError(error: unknown): error is AdminApiError {
  return error instanceof AdminApiError;
}

/**
 * Checks a discount input before it reaches Shopify (shared by the real port and the fake, so
 * a bad call fails the same way in tests as in production).
 */
export function validateDiscountInput(input: CustomerDiscountCodeInput): void {
  const hasPercentage = input.percentage !== undefined;
  const hasAmount = input.amount !== undefined;
  if (hasPercentage === hasAmount) throw new RangeError("a discount needs exactly one of percentage and amount");
  if (hasPercentage && !(Number.isFinite(input.percentage) && input.percentage! > 0 && input.percentage! <= 100)) {
    throw new RangeError(`percentage must be in (0, 100], got ${input.percentage}`);
  }
  if (hasAmount && !(Number.isFinite(input.amount) && input.amount! > 0)) {
    throw new RangeError(`amount must be a positive number, got ${input.amount}`);
  }
  if (input.code.trim().length === 0) throw new RangeError("a discount code cannot be empty");
  if (!(input.startsAt.getTime() < input.endsAt.getTime()))
    throw new RangeError("a discount must start before it ends");
  if (!/^gid:\/\/shopify\/Customer\/\d+$/.test(input.customerGid)) {
    throw new RangeError(`not a customer GID: ${input.customerGid}`);
  }
}
