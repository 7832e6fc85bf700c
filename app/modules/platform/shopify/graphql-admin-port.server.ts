// The real Admin API port: Admin GraphQL (2026-04) over HTTP.
//
// Two layers:
// - an `AdminGraphql` transport, `(query, variables) => JSON body`: `createFetchAdminGraphql`
//   POSTs to https://{shop}/admin/api/{version}/graphql.json with X-Shopify-Access-Token, and
//   throws `AdminHttpError` for a non-2xx answer. Any other transport (e.g. one built on
//   `admin.graphql` from @shopify/shopify-app-remix) can be used instead: it must resolve to
//   the response body and throw `AdminHttpError` for HTTP failures.
// - `createAdminPortOverGraphql`: the operations (one document per file in ./operations),
//   zod-validated answers, userErrors → AdminApiError, and retries: THROTTLED, HTTP 429/5xx
//   and network failures are retried with exponential backoff that honours Retry-After and the
//   query-cost throttle status (restore rate); any other 4xx fails at once.
import { z } from "zod";
import {
  AdminApiError,
  validateDiscountInput,
  type AdminPort,
  type AutomaticAppDiscountInput,
  type AutomaticDiscountStatus,
  type BulkOperationInfo,
  type CustomerDiscountCodeInput,
  type EmailMarketingStateInput,
  type EmailOptInLevel,
  type ShopInfo,
  type ShopifyFunctionInfo,
} from "./admin-port";
import { automaticDiscountStatus } from "./operations/automatic-discount-status";
import { discountAutomaticAppCreate } from "./operations/discount-automatic-app-create";
import { metafieldsSet } from "./operations/metafields-set";
import { shopifyFunctions, type ShopifyFunctionsData } from "./operations/shopify-functions";
import { bulkOperation } from "./operations/bulk-operation";
import { bulkOperationRunQuery } from "./operations/bulk-operation-run-query";
import { customerEmailMarketingConsentUpdate } from "./operations/customer-email-marketing-consent-update";
import { discountCodeBasicCreate } from "./operations/discount-code-basic-create";
import type { AdminOperation } from "./operations/operation";
import { shopInfo } from "./operations/shop-info";
import { OfflineTokenError, type AccessTokenSource } from "./offline-token.server";
import { shopLocales } from "./operations/shop-locales";
import { webPixelCreate } from "./operations/web-pixel-create";
import { readLines } from "./read-lines";

export const DEFAULT_ADMIN_API_VERSION = "2026-04";
export const DEFAULT_MAX_ATTEMPTS = 5;
const BASE_DELAY_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

export type AdminGraphql = (query: string, variables: Record<string, unknown>) => Promise<unknown>;
export type Sleep = (ms: number) => Promise<void>;

const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A non-2xx HTTP answer from Shopify (or from the bulk result storage). */
export class AdminHttpError extends Error {
  readonly status: number;
  readonly retryAfterMs: number | null;
  readonly detail: string;

  constructor(status: number, retryAfterMs: number | null, detail: string) {
    super(`HTTP ${status}${detail ? `: ${detail}` : ""}`);
    this.name = "AdminHttpError";
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.detail = detail;
  }
}

export function isRetriableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function describeBody(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && "errors" in parsed) {
      const errors = (parsed as { errors: unknown }).errors;
      return (typeof errors === "string" ? errors : JSON.stringify(errors)).slice(0, 500);
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.trim().slice(0, 500);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface FetchAdminGraphqlOptions {
  /** the shop's myshopify domain, e.g. joren-demo.myshopify.com */
  shop: string;
  /** a fixed token, or a source that refreshes an expiring offline token (offline-token.server.ts) */
  accessToken: string | AccessTokenSource;
  apiVersion?: string;
  fetch?: typeof fetch;
}

/** The HTTP transport: one POST per call, no retries (the port retries). */
export function createFetchAdminGraphql(options: FetchAdminGraphqlOptions): AdminGraphql {
  const apiVersion = options.apiVersion ?? DEFAULT_ADMIN_API_VERSION;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(options.shop)) {
    throw new Error(`not a shop domain: ${JSON.stringify(options.shop)}`);
  }
  if (!/^(\d{4}-\d{2}|unstable)$/.test(apiVersion)) throw new Error(`not an Admin API version: ${apiVersion}`);
  if (!options.accessToken) throw new Error("an Admin API access token is required");
  const endpoint = `https://${options.shop}/admin/api/${apiVersion}/graphql.json`;

  const source = options.accessToken;
  return async (query, variables) => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const send = (token: string) =>
      doFetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-Shopify-Access-Token": token },
        body: JSON.stringify({ query, variables }),
      });
    let token = typeof source === "string" ? source : await source.current();
    let response = await send(token);
    if (response.status === 401 && typeof source !== "string") {
      // an expired token: refreshed once, then the same call again
      await response.text();
      token = await source.refresh(token);
      response = await send(token);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new AdminHttpError(
        response.status,
        parseRetryAfter(response.headers.get("Retry-After")),
        describeBody(text),
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new AdminHttpError(response.status, null, `the answer is not JSON: ${text.slice(0, 200)}`);
    }
  };
}

const graphqlErrorSchema = z.object({
  message: z.string(),
  extensions: z.object({ code: z.string().optional() }).nullish(),
});

const envelopeSchema = z.object({
  data: z.unknown().optional(),
  errors: z.union([z.array(graphqlErrorSchema), z.string(), z.record(z.string(), z.unknown())]).optional(),
  extensions: z
    .object({
      cost: z
        .object({
          requestedQueryCost: z.number().nullish(),
          actualQueryCost: z.number().nullish(),
          throttleStatus: z
            .object({ maximumAvailable: z.number(), currentlyAvailable: z.number(), restoreRate: z.number() })
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

type Envelope = z.infer<typeof envelopeSchema>;

function envelopeErrors(envelope: Envelope): { message: string; code: string | null }[] {
  const errors = envelope.errors;
  if (errors === undefined) return [];
  if (typeof errors === "string") return [{ message: errors, code: null }];
  if (Array.isArray(errors)) return errors.map((e) => ({ message: e.message, code: e.extensions?.code ?? null }));
  return [{ message: JSON.stringify(errors), code: null }];
}

/** How long until the bucket holds what the query asked for (restore rate per second). */
export function throttleDelayMs(envelope: Envelope): number | null {
  const cost = envelope.extensions?.cost;
  const status = cost?.throttleStatus;
  if (!cost || !status || status.restoreRate <= 0) return null;
  const requested = cost.requestedQueryCost ?? 0;
  const missing = requested - status.currentlyAvailable;
  return missing > 0 ? Math.ceil((missing / status.restoreRate) * 1000) : 0;
}

export function backoffMs(attempt: number, hintMs: number | null): number {
  const exponential = Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.max(exponential, hintMs ?? 0);
}

type Attempt<T> = { ok: true; value: T } | { ok: false; retryAfterMs: number | null; error: AdminApiError };

function zodMessages(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
}

function formatDecimal(value: number): string {
  return value.toFixed(3).replace(/\.?0+$/, "");
}

export interface AdminPortRetryOptions {
  /** replaces the real waits (tests pass `async () => {}`) */
  sleep?: Sleep;
  maxAttempts?: number;
  /** used by fetchJsonl for the bulk result file */
  fetch?: typeof fetch;
}

/** The AdminPort on top of any `AdminGraphql` transport. */
export function createAdminPortOverGraphql(graphql: AdminGraphql, options: AdminPortRetryOptions = {}): AdminPort {
  const sleep = options.sleep ?? defaultSleep;
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);

  async function retrying<T>(attemptOnce: () => Promise<Attempt<T>>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const result = await attemptOnce();
      if (result.ok) return result.value;
      if (attempt >= maxAttempts) throw result.error;
      await sleep(backoffMs(attempt, result.retryAfterMs));
    }
  }

  function execute<T>(operation: AdminOperation<T>, variables: Record<string, unknown>): Promise<T> {
    return retrying(async (): Promise<Attempt<T>> => {
      let body: unknown;
      try {
        body = await graphql(operation.document, variables);
      } catch (error) {
        // a refused refresh needs the merchant, not another try
        if (error instanceof AdminApiError || error instanceof OfflineTokenError) throw error;
        if (error instanceof AdminHttpError) {
          const apiError = new AdminApiError({
            kind: "http",
            operation: operation.name,
            status: error.status,
            messages: error.detail ? [error.detail] : [],
            cause: error,
          });
          if (isRetriableStatus(error.status)) return { ok: false, retryAfterMs: error.retryAfterMs, error: apiError };
          throw apiError;
        }
        // The transport threw without an answer: a network failure, worth another try.
        const apiError = new AdminApiError({
          kind: "network",
          operation: operation.name,
          messages: [messageOf(error)],
          cause: error,
        });
        return { ok: false, retryAfterMs: null, error: apiError };
      }

      const envelope = envelopeSchema.safeParse(body);
      if (!envelope.success) {
        throw new AdminApiError({
          kind: "invalid_response",
          operation: operation.name,
          messages: zodMessages(envelope.error),
        });
      }
      const errors = envelopeErrors(envelope.data);
      const codes = errors.flatMap((e) => (e.code ? [e.code] : []));
      if (codes.includes("THROTTLED")) {
        const error = new AdminApiError({
          kind: "throttled",
          operation: operation.name,
          messages: errors.map((e) => e.message),
          codes,
        });
        return { ok: false, retryAfterMs: throttleDelayMs(envelope.data), error };
      }
      if (errors.length > 0) {
        throw new AdminApiError({
          kind: "graphql",
          operation: operation.name,
          messages: errors.map((e) => e.message),
          codes,
        });
      }
      const data = operation.data.safeParse(envelope.data.data);
      if (!data.success) {
        throw new AdminApiError({
          kind: "invalid_response",
          operation: operation.name,
          messages: zodMessages(data.error),
        });
      }
      return { ok: true, value: data.data };
    });
  }

  function invalid(operation: string, message: string): AdminApiError {
    return new AdminApiError({ kind: "invalid_response", operation, messages: [message] });
  }

  return {
    async runBulkQuery(query: string): Promise<{ id: string }> {
      const data = await execute(bulkOperationRunQuery, { query, groupObjects: true });
      const payload = data.bulkOperationRunQuery;
      if (payload.userErrors.length > 0)
        throw AdminApiError.fromUserErrors(bulkOperationRunQuery.name, payload.userErrors);
      if (!payload.bulkOperation) throw invalid(bulkOperationRunQuery.name, "no bulkOperation and no userErrors");
      return { id: payload.bulkOperation.id };
    },

    async getBulkOperation(id: string): Promise<BulkOperationInfo> {
      const data = await execute(bulkOperation, { id });
      if (!data.node) {
        throw new AdminApiError({
          kind: "not_found",
          operation: bulkOperation.name,
          messages: [`no bulk operation ${id}`],
        });
      }
      const { node } = data;
      return {
        id: node.id,
        status: node.status,
        url: node.url,
        objectCount: node.objectCount,
        errorCode: node.errorCode,
      };
    },

    async *fetchJsonl(url: string): AsyncGenerator<string> {
      const operation = "fetchJsonl";
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw invalid(operation, "the bulk result url is not a URL");
      }
      if (parsed.protocol !== "https:") throw invalid(operation, "the bulk result url must be https");
      const response = await retrying(async (): Promise<Attempt<Response>> => {
        let answer: Response;
        try {
          // The url is pre-signed storage: it must not carry the shop's access token.
          answer = await (options.fetch ?? globalThis.fetch)(parsed.toString(), { method: "GET" });
        } catch (error) {
          return {
            ok: false,
            retryAfterMs: null,
            error: new AdminApiError({ kind: "network", operation, messages: [messageOf(error)], cause: error }),
          };
        }
        if (answer.ok) return { ok: true, value: answer };
        const detail = (await answer.text().catch(() => "")).trim().slice(0, 300);
        const error = new AdminApiError({
          kind: "http",
          operation,
          status: answer.status,
          messages: detail ? [detail] : [],
        });
        if (isRetriableStatus(answer.status)) {
          return { ok: false, retryAfterMs: parseRetryAfter(answer.headers.get("Retry-After")), error };
        }
        throw error;
      });
      if (!response.body) throw invalid(operation, "the bulk result has no body");
      yield* readLines(response.body);
    },

    async updateEmailConsent(
      customerGid: string,
      state: EmailMarketingStateInput,
      optInLevel: EmailOptInLevel = "SINGLE_OPT_IN",
    ): Promise<void> {
      if (!/^gid:\/\/shopify\/Customer\/\d+$/.test(customerGid))
        throw new RangeError(`not a customer GID: ${customerGid}`);
      const data = await execute(customerEmailMarketingConsentUpdate, {
        input: {
          customerId: customerGid,
          emailMarketingConsent: {
            marketingState: state,
            ...(state === "SUBSCRIBED" ? { marketingOptInLevel: optInLevel } : {}),
          },
        },
      });
      const payload = data.customerEmailMarketingConsentUpdate;
      if (payload.userErrors.length > 0) {
        throw AdminApiError.fromUserErrors(customerEmailMarketingConsentUpdate.name, payload.userErrors);
      }
    },

    async createCustomerDiscountCode(input: CustomerDiscountCodeInput): Promise<{ discountGid: string }> {
      validateDiscountInput(input);
      const value =
        input.percentage !== undefined
          ? { percentage: input.percentage / 100 }
          : { discountAmount: { amount: formatDecimal(input.amount!), appliesOnEachItem: false } };
      const data = await execute(discountCodeBasicCreate, {
        basicCodeDiscount: {
          title: input.title,
          code: input.code,
          startsAt: input.startsAt.toISOString(),
          endsAt: input.endsAt.toISOString(),
          context: { customers: { add: [input.customerGid] } },
          customerGets: { value, items: { all: true } },
          appliesOncePerCustomer: true,
          usageLimit: 1,
        },
      });
      const payload = data.discountCodeBasicCreate;
      if (payload.userErrors.length > 0)
        throw AdminApiError.fromUserErrors(discountCodeBasicCreate.name, payload.userErrors);
      if (!payload.codeDiscountNode)
        throw invalid(discountCodeBasicCreate.name, "no codeDiscountNode and no userErrors");
      return { discountGid: payload.codeDiscountNode.id };
    },

    async createWebPixel(settings: Record<string, string>): Promise<{ id: string }> {
      const data = await execute(webPixelCreate, { webPixel: { settings: JSON.stringify(settings) } });
      const payload = data.webPixelCreate;
      if (payload.userErrors.length > 0) throw AdminApiError.fromUserErrors(webPixelCreate.name, payload.userErrors);
      if (!payload.webPixel) throw invalid(webPixelCreate.name, "no webPixel and no userErrors");
      return { id: payload.webPixel.id };
    },

    async getShopInfo(): Promise<ShopInfo> {
      const { shop } = await execute(shopInfo, {});
      let primaryLocale: string | null = null;
      try {
        const locales = await execute(shopLocales, {});
        primaryLocale = locales.shopLocales.find((l) => l.primary)?.locale ?? null;
      } catch (error) {
        // Without read_locales the locale is unknown, which is not a reason to fail.
        if (!(error instanceof AdminApiError && error.kind === "graphql" && error.codes.includes("ACCESS_DENIED")))
          throw error;
      }
      return { name: shop.name, currencyCode: shop.currencyCode, ianaTimezone: shop.ianaTimezone, primaryLocale };
    },

    async listShopifyFunctions(): Promise<ShopifyFunctionInfo[]> {
      const functions: ShopifyFunctionInfo[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const { shopifyFunctions: connection }: ShopifyFunctionsData = await execute(shopifyFunctions, { after });
        functions.push(...connection.nodes);
        const next: string | null = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
        if (!next) break;
        after = next;
      }
      return functions;
    },

    async createAutomaticAppDiscount(input: AutomaticAppDiscountInput): Promise<{ discountId: string }> {
      const data = await execute(discountAutomaticAppCreate, {
        automaticAppDiscount: {
          title: input.title,
          functionHandle: input.functionHandle,
          startsAt: input.startsAt.toISOString(),
          discountClasses: input.discountClasses,
          combinesWith: input.combinesWith,
          metafields: [
            {
              namespace: input.configuration.namespace,
              key: input.configuration.key,
              type: "json",
              value: JSON.stringify(input.configuration.value),
            },
          ],
        },
      });
      const payload = data.discountAutomaticAppCreate;
      if (payload.userErrors.length > 0)
        throw AdminApiError.fromUserErrors(discountAutomaticAppCreate.name, payload.userErrors);
      if (!payload.automaticAppDiscount)
        throw invalid(discountAutomaticAppCreate.name, "no automaticAppDiscount and no userErrors");
      return { discountId: payload.automaticAppDiscount.discountId };
    },

    async getAutomaticDiscountStatus(discountId: string): Promise<AutomaticDiscountStatus | null> {
      const data = await execute(automaticDiscountStatus, { id: discountId });
      const discount = data.node?.automaticDiscount;
      if (!discount || discount.__typename !== "DiscountAutomaticApp" || !discount.status) return null;
      return { status: discount.status, functionId: discount.appDiscountType?.functionId ?? null };
    },

    async setJsonMetafield(input): Promise<void> {
      const data = await execute(metafieldsSet, {
        metafields: [
          {
            ownerId: input.ownerId,
            namespace: input.namespace,
            key: input.key,
            type: "json",
            value: JSON.stringify(input.value),
          },
        ],
      });
      if (data.metafieldsSet.userErrors.length > 0)
        throw AdminApiError.fromUserErrors(metafieldsSet.name, data.metafieldsSet.userErrors);
    },
  };
}

export interface GraphqlAdminPortOptions extends FetchAdminGraphqlOptions {
  sleep?: Sleep;
  maxAttempts?: number;
}

/** The production port for one shop: HTTP transport + operations + retries. */
export function createGraphqlAdminPort(options: GraphqlAdminPortOptions): AdminPort {
  return createAdminPortOverGraphql(createFetchAdminGraphql(options), {
    sleep: options.sleep,
    maxAttempts: options.maxAttempts,
    fetch: options.fetch,
  });
}
