// FAKE — an in-process stand-in for the Shopify Admin API. It talks to nothing: it serves
// bulk results from JSONL lines held in memory, keeps discount codes, consents and pixels in
// memory, and records every call. Used by tests, by local shops (Shop.isLocal) and by the
// offline demo. Production shops use graphql-admin-port.server.ts.
import {
  AdminApiError,
  validateDiscountInput,
  type AdminOperationName,
  type AdminPort,
  type AutomaticAppDiscountInput,
  type BulkOperationInfo,
  type BulkOperationStatus,
  type CustomerDiscountCodeInput,
  type EmailMarketingStateInput,
  type EmailOptInLevel,
  type ShopInfo,
  type ShopifyFunctionInfo,
} from "./admin-port";

export type FakeBulkRoot = "products" | "customers" | "orders";
/** JSONL lines, or rows the fake serialises to lines */
export type FakeBulkLines = ReadonlyArray<string | Record<string, unknown>>;

export interface FakeStoreData {
  products?: FakeBulkLines;
  customers?: FakeBulkLines;
  orders?: FakeBulkLines;
  shop?: Partial<ShopInfo>;
  /** getBulkOperation calls before an operation reports COMPLETED (default 1) */
  pollsToComplete?: number;
  /** the app's deployed Functions; default: Joren's first-purchase Discount Function */
  functions?: ShopifyFunctionInfo[];
  /** automatic discounts the store already has (a local shop's, recreated from what Joren recorded) */
  automaticDiscounts?: FakeAutomaticDiscount[];
}

/** The Function a deployed Joren app has (extensions/joren-first-purchase-discount). */
export const FAKE_FIRST_PURCHASE_FUNCTION: ShopifyFunctionInfo = {
  id: "01JOREN0FIRST0PURCHASE0FUNC",
  handle: "joren-first-purchase-discount",
  title: "Joren first-purchase discount",
  apiType: "discount",
};

export interface FakeAutomaticDiscount {
  discountId: string;
  input: AutomaticAppDiscountInput;
  status: "ACTIVE" | "SCHEDULED" | "EXPIRED";
}

export type FakeAdminCall =
  | { op: "runBulkQuery"; query: string; root: FakeBulkRoot | null }
  | { op: "getBulkOperation"; id: string }
  | { op: "fetchJsonl"; url: string }
  | { op: "updateEmailConsent"; customerGid: string; state: EmailMarketingStateInput; optInLevel?: EmailOptInLevel }
  | { op: "createCustomerDiscountCode"; input: CustomerDiscountCodeInput }
  | { op: "createWebPixel"; settings: Record<string, string> }
  | { op: "getShopInfo" }
  | { op: "listShopifyFunctions" }
  | { op: "createAutomaticAppDiscount"; input: AutomaticAppDiscountInput }
  | { op: "getAutomaticDiscountStatus"; discountId: string }
  | { op: "setJsonMetafield"; ownerId: string; namespace: string; key: string; value: unknown };

export interface FakeDiscount extends CustomerDiscountCodeInput {
  discountGid: string;
}

interface FakeBulkOperation {
  id: string;
  root: FakeBulkRoot;
  lines: string[];
  polls: number;
  status: BulkOperationStatus;
  errorCode: string | null;
  url: string | null;
}

export interface FakeAdminPort extends AdminPort {
  /** every call, in order */
  readonly calls: FakeAdminCall[];
  readonly discounts: FakeDiscount[];
  readonly consents: Map<string, EmailMarketingStateInput>;
  readonly webPixels: { id: string; settings: Record<string, string> }[];
  readonly functions: ShopifyFunctionInfo[];
  readonly automaticDiscounts: FakeAutomaticDiscount[];
  /** the merchant deletes an automatic discount in the Shopify admin */
  deleteAutomaticDiscount(discountId: string): void;
  /** the next call of `op` throws `error` (once), e.g. an AdminApiError to simulate Shopify refusing */
  failNext(op: AdminOperationName, error?: Error): void;
  /**
   * The next bulk operation to finish (optionally: the next one for `root`) ends in this status
   * instead of COMPLETED.
   */
  endNextBulkOperation(status: "FAILED" | "CANCELED", errorCode?: string | null, root?: FakeBulkRoot): void;
  /** a completed operation's result is gone (Shopify keeps it seven days) */
  expireBulkOperation(id: string): void;
  /** replaces the lines served to bulk operations started from now on */
  setBulkLines(root: FakeBulkRoot, lines: FakeBulkLines): void;
  bulkOperationIds(): string[];
}

const FAKE_RESULT_BASE = "https://fake-bulk-results.joren.invalid/";

function toLines(lines: FakeBulkLines | undefined): string[] {
  return (lines ?? []).map((line) => (typeof line === "string" ? line : JSON.stringify(line)));
}

/** The root connection a bulk query asks for: the first field of its selection set. */
export function bulkQueryRoot(query: string): FakeBulkRoot | null {
  const withoutComments = query.replace(/#[^\n]*/g, "");
  const match = /^[^{]*\{\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(withoutComments);
  const root = match?.[1];
  return root === "products" || root === "customers" || root === "orders" ? root : null;
}

export function createFakeAdminPort(store: FakeStoreData = {}): FakeAdminPort {
  const lines: Record<FakeBulkRoot, string[]> = {
    products: toLines(store.products),
    customers: toLines(store.customers),
    orders: toLines(store.orders),
  };
  const pollsToComplete = Math.max(1, store.pollsToComplete ?? 1);
  const shop: ShopInfo = {
    name: store.shop?.name ?? "Joren Demo Store",
    currencyCode: store.shop?.currencyCode ?? "JPY",
    ianaTimezone: store.shop?.ianaTimezone ?? "Asia/Tokyo",
    primaryLocale: store.shop?.primaryLocale === undefined ? "ja" : store.shop.primaryLocale,
  };
  const calls: FakeAdminCall[] = [];
  const failures = new Map<AdminOperationName, Error>();
  const operations = new Map<string, FakeBulkOperation>();
  const discounts: FakeDiscount[] = [];
  const consents = new Map<string, EmailMarketingStateInput>();
  const webPixels: { id: string; settings: Record<string, string> }[] = [];
  const functions: ShopifyFunctionInfo[] = [...(store.functions ?? [FAKE_FIRST_PURCHASE_FUNCTION])];
  const automaticDiscounts: FakeAutomaticDiscount[] = (store.automaticDiscounts ?? []).map((d) => structuredClone(d));
  let nextEnding: { status: "FAILED" | "CANCELED"; errorCode: string | null; root: FakeBulkRoot | null } | null = null;
  let sequence = 0;

  function maybeFail(op: AdminOperationName): void {
    const error = failures.get(op);
    if (error) {
      failures.delete(op);
      throw error;
    }
  }

  function info(op: FakeBulkOperation): BulkOperationInfo {
    const finished = op.status === "COMPLETED";
    return {
      id: op.id,
      status: op.status,
      url: op.url,
      objectCount: finished ? op.lines.length : Math.floor((op.lines.length * op.polls) / (pollsToComplete + 1)),
      errorCode: op.errorCode,
    };
  }

  return {
    calls,
    discounts,
    consents,
    webPixels,
    functions,
    automaticDiscounts,

    deleteAutomaticDiscount(discountId) {
      const index = automaticDiscounts.findIndex((d) => d.discountId === discountId);
      if (index >= 0) automaticDiscounts.splice(index, 1);
    },

    failNext(op, error) {
      failures.set(
        op,
        error ?? new AdminApiError({ kind: "http", operation: op, status: 503, messages: ["fake: injected failure"] }),
      );
    },
    endNextBulkOperation(status, errorCode = status === "FAILED" ? "INTERNAL_SERVER_ERROR" : null, root) {
      nextEnding = { status, errorCode, root: root ?? null };
    },
    expireBulkOperation(id) {
      const op = operations.get(id);
      if (!op) throw new Error(`fake: no bulk operation ${id}`);
      op.status = "EXPIRED";
      op.url = null;
    },
    setBulkLines(root, next) {
      lines[root] = toLines(next);
    },
    bulkOperationIds() {
      return [...operations.keys()];
    },

    async runBulkQuery(query) {
      const root = bulkQueryRoot(query);
      calls.push({ op: "runBulkQuery", query, root });
      maybeFail("runBulkQuery");
      if (!root) {
        throw AdminApiError.fromUserErrors("bulkOperationRunQuery", [
          {
            field: ["query"],
            message: "fake: only products, customers and orders bulk queries are served",
            code: "INVALID",
          },
        ]);
      }
      for (const op of operations.values()) {
        if (op.status === "CREATED" || op.status === "RUNNING") {
          throw AdminApiError.fromUserErrors("bulkOperationRunQuery", [
            {
              field: null,
              message: `A bulk query operation for this app and shop is already in progress: ${op.id}.`,
              code: "OPERATION_IN_PROGRESS",
            },
          ]);
        }
      }
      sequence += 1;
      const id = `gid://shopify/BulkOperation/${7_000_000_000 + sequence}`;
      operations.set(id, {
        id,
        root,
        lines: [...lines[root]],
        polls: 0,
        status: "CREATED",
        errorCode: null,
        url: null,
      });
      return { id };
    },

    async getBulkOperation(id) {
      calls.push({ op: "getBulkOperation", id });
      maybeFail("getBulkOperation");
      const op = operations.get(id);
      if (!op)
        throw new AdminApiError({
          kind: "not_found",
          operation: "bulkOperation",
          messages: [`no bulk operation ${id}`],
        });
      if (op.status === "CREATED" || op.status === "RUNNING") {
        op.polls += 1;
        if (op.polls >= pollsToComplete) {
          if (nextEnding && (nextEnding.root === null || nextEnding.root === op.root)) {
            op.status = nextEnding.status;
            op.errorCode = nextEnding.errorCode;
            nextEnding = null;
          } else {
            op.status = "COMPLETED";
            // Shopify gives no url for an empty result.
            op.url = op.lines.length > 0 ? `${FAKE_RESULT_BASE}${id.split("/").pop()}.jsonl` : null;
          }
        } else {
          op.status = "RUNNING";
        }
      }
      return info(op);
    },

    async *fetchJsonl(url) {
      calls.push({ op: "fetchJsonl", url });
      maybeFail("fetchJsonl");
      const op = [...operations.values()].find((candidate) => candidate.url === url);
      if (!op)
        throw new AdminApiError({
          kind: "http",
          operation: "fetchJsonl",
          status: 403,
          messages: ["fake: the result url expired or never existed"],
        });
      for (const line of op.lines) yield line;
    },

    async updateEmailConsent(customerGid, state, optInLevel) {
      calls.push({ op: "updateEmailConsent", customerGid, state, ...(optInLevel ? { optInLevel } : {}) });
      maybeFail("updateEmailConsent");
      if (!/^gid:\/\/shopify\/Customer\/\d+$/.test(customerGid))
        throw new RangeError(`not a customer GID: ${customerGid}`);
      consents.set(customerGid, state);
    },

    async createCustomerDiscountCode(input) {
      calls.push({ op: "createCustomerDiscountCode", input });
      maybeFail("createCustomerDiscountCode");
      validateDiscountInput(input);
      if (discounts.some((d) => d.code.toLowerCase() === input.code.toLowerCase())) {
        throw AdminApiError.fromUserErrors("discountCodeBasicCreate", [
          {
            field: ["basicCodeDiscount", "code"],
            message: "Code must be unique. Please try a different code.",
            code: "TAKEN",
          },
        ]);
      }
      sequence += 1;
      const discountGid = `gid://shopify/DiscountCodeNode/${1_000_000_000_000 + sequence}`;
      discounts.push({ ...input, discountGid });
      return { discountGid };
    },

    async createWebPixel(settings) {
      calls.push({ op: "createWebPixel", settings });
      maybeFail("createWebPixel");
      if (webPixels.length > 0) {
        throw AdminApiError.fromUserErrors("webPixelCreate", [
          { field: null, message: "Web pixel is taken.", code: "TAKEN" },
        ]);
      }
      sequence += 1;
      const id = `gid://shopify/WebPixel/${sequence}`;
      webPixels.push({ id, settings: { ...settings } });
      return { id };
    },

    async getShopInfo() {
      calls.push({ op: "getShopInfo" });
      maybeFail("getShopInfo");
      return { ...shop };
    },

    async listShopifyFunctions() {
      calls.push({ op: "listShopifyFunctions" });
      maybeFail("listShopifyFunctions");
      return functions.map((f) => ({ ...f }));
    },

    async createAutomaticAppDiscount(input) {
      calls.push({ op: "createAutomaticAppDiscount", input });
      maybeFail("createAutomaticAppDiscount");
      if (!functions.some((f) => f.handle === input.functionHandle)) {
        throw AdminApiError.fromUserErrors("discountAutomaticAppCreate", [
          { field: ["automaticAppDiscount", "functionHandle"], message: "Function not found.", code: "INVALID" },
        ]);
      }
      sequence += 1;
      const discountId = `gid://shopify/DiscountAutomaticNode/${2_000_000_000_000 + sequence}`;
      automaticDiscounts.push({ discountId, input: structuredClone(input), status: "ACTIVE" });
      return { discountId };
    },

    async getAutomaticDiscountStatus(discountId) {
      calls.push({ op: "getAutomaticDiscountStatus", discountId });
      maybeFail("getAutomaticDiscountStatus");
      const found = automaticDiscounts.find((d) => d.discountId === discountId);
      return found
        ? {
            status: found.status,
            functionId: functions.find((f) => f.handle === found.input.functionHandle)?.id ?? null,
          }
        : null;
    },

    async setJsonMetafield({ ownerId, namespace, key, value }) {
      calls.push({ op: "setJsonMetafield", ownerId, namespace, key, value });
      maybeFail("setJsonMetafield");
      const found = automaticDiscounts.find((d) => d.discountId === ownerId);
      if (!found) {
        throw AdminApiError.fromUserErrors("metafieldsSet", [
          { field: ["metafields", "0", "ownerId"], message: "Owner does not exist.", code: "INVALID" },
        ]);
      }
      if (found.input.configuration.namespace === namespace && found.input.configuration.key === key) {
        found.input.configuration = { namespace, key, value: structuredClone(value) };
      }
    },
  };
}
