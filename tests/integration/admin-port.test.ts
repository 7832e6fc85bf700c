// The real Admin API port against recorded Shopify answers (tests/fixtures/admin-api), served
// by msw at the Admin GraphQL endpoint: request shape, answer handling and retries.
import { readFileSync } from "node:fs";
import path from "node:path";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { AdminApiError, type AdminPort } from "~/modules/platform/shopify/admin-port";
import { createGraphqlAdminPort, parseRetryAfter } from "~/modules/platform/shopify/graphql-admin-port.server";

const SHOP = "joren-test.myshopify.com";
const TOKEN = "shpat_test_0123456789abcdef";
const ENDPOINT = `https://${SHOP}/admin/api/2026-04/graphql.json`;
const RESULT_URL_BASE = "https://storage.googleapis.com/shopify-tiers-assets-prod-us-east1/bulk-operation-outputs/";

function fixtureText(name: string): string {
  return readFileSync(path.resolve("tests/fixtures/admin-api", name), "utf8");
}

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

interface Recorded {
  url: string;
  method: string;
  headers: Headers;
  query: string;
  variables: Record<string, unknown>;
}

type Responder = () => Response;

const recorded: Recorded[] = [];
let answers: Responder[] = [];

const server = setupServer(
  http.post(ENDPOINT, async ({ request }) => {
    const body = (await request.json()) as { query: string; variables: Record<string, unknown> };
    recorded.push({
      url: request.url,
      method: request.method,
      headers: request.headers,
      query: body.query,
      variables: body.variables,
    });
    const next = answers.shift();
    if (!next) return HttpResponse.json({ errors: [{ message: "test: no answer queued" }] }, { status: 599 });
    return next();
  }),
);

function answer(...responders: Responder[]): void {
  answers = responders;
}

const ok =
  (name: string): Responder =>
  () =>
    HttpResponse.json(fixture(name));
const status =
  (code: number, body: string | Record<string, unknown> = "", headers: Record<string, string> = {}): Responder =>
  () =>
    typeof body === "string"
      ? new HttpResponse(body, { status: code, headers })
      : HttpResponse.json(body, { status: code, headers });

let sleeps: number[] = [];
function port(): AdminPort {
  return createGraphqlAdminPort({
    shop: SHOP,
    accessToken: TOKEN,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  recorded.length = 0;
  answers = [];
  sleeps = [];
});
afterAll(() => server.close());

describe("request shape", () => {
  test("bulkOperationRunQuery posts the query with grouped output to the versioned endpoint", async () => {
    answer(ok("bulk-operation-run-query.success.json"));
    const result = await port().runBulkQuery("{ products { edges { node { id } } } }");
    expect(result).toEqual({ id: "gid://shopify/BulkOperation/5873452712013" });
    expect(recorded).toHaveLength(1);
    const [request] = recorded;
    expect(new URL(request!.url).pathname).toBe("/admin/api/2026-04/graphql.json");
    expect(request!.method).toBe("POST");
    expect(request!.headers.get("x-shopify-access-token")).toBe(TOKEN);
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(request!.query).toMatch(/mutation bulkOperationRunQuery\(\$query: String!, \$groupObjects: Boolean!\)/);
    expect(request!.variables).toEqual({ query: "{ products { edges { node { id } } } }", groupObjects: true });
  });

  test("the api version can be chosen", async () => {
    const other = `https://${SHOP}/admin/api/2026-07/graphql.json`;
    let seen = "";
    let calls = 0;
    server.use(
      http.post(other, ({ request }) => {
        seen = new URL(request.url).pathname;
        calls += 1;
        return HttpResponse.json(fixture(calls === 1 ? "shop-info.json" : "shop-locales.json"));
      }),
    );
    const info = await createGraphqlAdminPort({
      shop: SHOP,
      accessToken: TOKEN,
      apiVersion: "2026-07",
      sleep: async () => {},
    }).getShopInfo();
    expect(seen).toBe("/admin/api/2026-07/graphql.json");
    expect(info.name).toBe("Joren Tea Demo");
  });

  test("a shop that is not a hostname is refused before any request", () => {
    expect(() => createGraphqlAdminPort({ shop: "evil.example/steal?x=", accessToken: TOKEN })).toThrowError(
      /not a shop domain/,
    );
  });

  test("discountCodeBasicCreate binds the code to one customer, once", async () => {
    answer(ok("discount-code-basic-create.success.json"));
    const result = await port().createCustomerDiscountCode({
      code: "JOREN-7QK2-MX",
      title: "Joren: second order 15%",
      customerGid: "gid://shopify/Customer/9007199254740993",
      percentage: 15,
      startsAt: new Date("2026-03-01T00:00:00Z"),
      endsAt: new Date("2026-03-15T00:00:00Z"),
    });
    expect(result).toEqual({ discountGid: "gid://shopify/DiscountCodeNode/1473284211000" });
    expect(recorded[0]!.query).toMatch(/discountCodeBasicCreate\(basicCodeDiscount: \$basicCodeDiscount\)/);
    expect(recorded[0]!.variables).toEqual({
      basicCodeDiscount: {
        title: "Joren: second order 15%",
        code: "JOREN-7QK2-MX",
        startsAt: "2026-03-01T00:00:00.000Z",
        endsAt: "2026-03-15T00:00:00.000Z",
        context: { customers: { add: ["gid://shopify/Customer/9007199254740993"] } },
        customerGets: { value: { percentage: 0.15 }, items: { all: true } },
        appliesOncePerCustomer: true,
        usageLimit: 1,
      },
    });
  });

  test("a fixed-amount discount sends a decimal amount", async () => {
    answer(ok("discount-code-basic-create.success.json"));
    await port().createCustomerDiscountCode({
      code: "JOREN-500",
      title: "¥500 off",
      customerGid: "gid://shopify/Customer/5",
      amount: 500,
      startsAt: new Date("2026-03-01T00:00:00Z"),
      endsAt: new Date("2026-03-02T00:00:00Z"),
    });
    const input = recorded[0]!.variables.basicCodeDiscount as { customerGets: unknown };
    expect(input.customerGets).toEqual({
      value: { discountAmount: { amount: "500", appliesOnEachItem: false } },
      items: { all: true },
    });
  });

  test("a discount with both or neither of percentage and amount never reaches Shopify", async () => {
    const base = {
      code: "X",
      title: "X",
      customerGid: "gid://shopify/Customer/5",
      startsAt: new Date(0),
      endsAt: new Date(1000),
    };
    await expect(port().createCustomerDiscountCode({ ...base, percentage: 10, amount: 5 })).rejects.toThrowError(
      RangeError,
    );
    await expect(port().createCustomerDiscountCode(base)).rejects.toThrowError(RangeError);
    expect(recorded).toHaveLength(0);
  });

  test("customerEmailMarketingConsentUpdate sends the state for the customer", async () => {
    answer(
      ok("customer-email-marketing-consent-update.success.json"),
      ok("customer-email-marketing-consent-update.success.json"),
    );
    await port().updateEmailConsent("gid://shopify/Customer/9007199254740993", "UNSUBSCRIBED");
    await port().updateEmailConsent("gid://shopify/Customer/9007199254740993", "SUBSCRIBED");
    expect(recorded[0]!.variables).toEqual({
      input: {
        customerId: "gid://shopify/Customer/9007199254740993",
        emailMarketingConsent: { marketingState: "UNSUBSCRIBED" },
      },
    });
    expect(recorded[1]!.variables).toEqual({
      input: {
        customerId: "gid://shopify/Customer/9007199254740993",
        emailMarketingConsent: { marketingState: "SUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN" },
      },
    });
  });

  test("webPixelCreate sends the settings as a JSON document", async () => {
    answer(ok("web-pixel-create.success.json"));
    const settings = { accountID: "joren-demo.myshopify.com", endpoint: "https://joren.example/pixel" };
    expect(await port().createWebPixel(settings)).toEqual({ id: "gid://shopify/WebPixel/1278148739" });
    expect(recorded[0]!.variables).toEqual({ webPixel: { settings: JSON.stringify(settings) } });
  });
});

describe("answers", () => {
  test("a COMPLETED bulk operation gives its url and object count", async () => {
    answer(ok("bulk-operation.completed.json"));
    const op = await port().getBulkOperation("gid://shopify/BulkOperation/5873452712013");
    expect(op).toEqual({
      id: "gid://shopify/BulkOperation/5873452712013",
      status: "COMPLETED",
      url: expect.stringMatching(/^https:\/\/storage\.googleapis\.com\//),
      objectCount: 1432,
      errorCode: null,
    });
    expect(recorded[0]!.query).toMatch(/node\(id: \$id\)[\s\S]*\.\.\. on BulkOperation/);
    expect(recorded[0]!.variables).toEqual({ id: "gid://shopify/BulkOperation/5873452712013" });
  });

  test("a FAILED bulk operation gives its error code", async () => {
    answer(ok("bulk-operation.failed.json"));
    const op = await port().getBulkOperation("gid://shopify/BulkOperation/5873452712014");
    expect(op).toMatchObject({ status: "FAILED", errorCode: "ACCESS_DENIED", url: null, objectCount: 0 });
  });

  test("an unknown bulk operation id is not_found", async () => {
    answer(() => HttpResponse.json({ data: { node: null } }));
    await expect(port().getBulkOperation("gid://shopify/BulkOperation/1")).rejects.toMatchObject({ kind: "not_found" });
  });

  test("userErrors become an AdminApiError with Shopify's messages", async () => {
    answer(ok("bulk-operation-run-query.user-errors.json"));
    const error = await port()
      .runBulkQuery("{ orders { edges { node { id } } } }")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({
      kind: "user_errors",
      operation: "bulkOperationRunQuery",
      codes: ["INVALID"],
      messages: ["query: Queries that contain a connection field within a list field are not currently supported."],
    });
    expect(recorded).toHaveLength(1);
  });

  test("a taken discount code is a user error", async () => {
    answer(ok("discount-code-basic-create.code-taken.json"));
    await expect(
      port().createCustomerDiscountCode({
        code: "JOREN-TAKEN",
        title: "t",
        customerGid: "gid://shopify/Customer/5",
        percentage: 10,
        startsAt: new Date("2026-03-01T00:00:00Z"),
        endsAt: new Date("2026-03-02T00:00:00Z"),
      }),
    ).rejects.toMatchObject({ kind: "user_errors", codes: ["TAKEN"] });
  });

  test("the shop's info, with its primary locale", async () => {
    answer(ok("shop-info.json"), ok("shop-locales.json"));
    expect(await port().getShopInfo()).toEqual({
      name: "Joren Tea Demo",
      currencyCode: "JPY",
      ianaTimezone: "Asia/Tokyo",
      primaryLocale: "ja",
    });
    expect(recorded[0]!.query).toMatch(/shop \{\s*name\s*currencyCode\s*ianaTimezone/);
  });

  test("without read_locales the locale is unknown, not an error", async () => {
    answer(ok("shop-info.json"), ok("access-denied.json"));
    expect(await port().getShopInfo()).toMatchObject({ name: "Joren Tea Demo", primaryLocale: null });
  });

  test("ACCESS_DENIED elsewhere is a graphql error, not retried", async () => {
    answer(ok("access-denied.json"));
    await expect(port().getBulkOperation("gid://shopify/BulkOperation/1")).rejects.toMatchObject({
      kind: "graphql",
      codes: ["ACCESS_DENIED"],
    });
    expect(recorded).toHaveLength(1);
  });

  test("an answer of the wrong shape is invalid_response", async () => {
    answer(() => HttpResponse.json({ data: { bulkOperationRunQuery: { bulkOperation: { id: 5 } } } }));
    await expect(port().runBulkQuery("{ products { edges { node { id } } } }")).rejects.toMatchObject({
      kind: "invalid_response",
    });
  });
});

describe("retries", () => {
  test("THROTTLED then success: retried after the bucket refills", async () => {
    answer(ok("throttled.json"), ok("bulk-operation-run-query.success.json"));
    const result = await port().runBulkQuery("{ products { edges { node { id } } } }");
    expect(result.id).toBe("gid://shopify/BulkOperation/5873452712013");
    expect(recorded).toHaveLength(2);
    // (752 requested − 40 available) / 100 per second = 7.12 s
    expect(sleeps).toEqual([7120]);
  });

  test("THROTTLED on every attempt gives up after five", async () => {
    answer(...Array.from({ length: 6 }, () => ok("throttled.json")));
    await expect(port().getBulkOperation("gid://shopify/BulkOperation/1")).rejects.toMatchObject({ kind: "throttled" });
    expect(recorded).toHaveLength(5);
    expect(sleeps).toHaveLength(4);
  });

  test("400: not retried", async () => {
    answer(
      status(400, { errors: { query: "Required parameter missing or invalid" } }),
      ok("bulk-operation-run-query.success.json"),
    );
    const error = await port()
      .runBulkQuery("{ products { edges { node { id } } } }")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "http", status: 400 });
    expect((error as AdminApiError).message).toMatch(/Required parameter missing/);
    expect(recorded).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test("401 with Shopify's error text: not retried", async () => {
    answer(status(401, fixture("invalid-api-key.json")));
    await expect(port().getShopInfo()).rejects.toMatchObject({
      kind: "http",
      status: 401,
      messages: [expect.stringMatching(/Invalid API key/)],
    });
    expect(recorded).toHaveLength(1);
  });

  test("500 twice then 200: succeeds with exponential backoff", async () => {
    answer(status(500, "Internal Server Error"), status(502, "Bad Gateway"), ok("bulk-operation.completed.json"));
    const op = await port().getBulkOperation("gid://shopify/BulkOperation/5873452712013");
    expect(op.status).toBe("COMPLETED");
    expect(recorded).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
  });

  test("429 honours Retry-After", async () => {
    answer(status(429, "", { "Retry-After": "4.0" }), ok("bulk-operation-run-query.success.json"));
    await port().runBulkQuery("{ products { edges { node { id } } } }");
    expect(recorded).toHaveLength(2);
    expect(sleeps).toEqual([4000]);
  });

  test("503 on every attempt fails after five with the status", async () => {
    answer(...Array.from({ length: 6 }, () => status(503, "Service Unavailable")));
    await expect(port().getShopInfo()).rejects.toMatchObject({ kind: "http", status: 503 });
    expect(recorded).toHaveLength(5);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000]);
  });

  test("a dropped connection is retried", async () => {
    answer(() => HttpResponse.error(), ok("shop-info.json"), ok("shop-locales.json"));
    expect((await port().getShopInfo()).currencyCode).toBe("JPY");
    expect(recorded).toHaveLength(3);
  });

  test("Retry-After as an HTTP date", () => {
    const now = Date.parse("2026-02-24T08:00:00Z");
    expect(parseRetryAfter("Tue, 24 Feb 2026 08:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("soon", now)).toBeNull();
  });
});

describe("fetchJsonl", () => {
  test("streams the result file line by line, across chunk boundaries, without the access token", async () => {
    const url = `${RESULT_URL_BASE}abc-final?GoogleAccessId=x&Signature=y`;
    const content = fixtureText("bulk-result.products.jsonl");
    const bytes = new TextEncoder().encode(content);
    let tokenSeen: string | null = "unset";
    server.use(
      http.get(`${RESULT_URL_BASE}abc-final`, ({ request }) => {
        tokenSeen = request.headers.get("x-shopify-access-token");
        // 7-byte chunks: lines and multi-byte characters (急須) are split across reads
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
            controller.close();
          },
        });
        return new HttpResponse(stream, { headers: { "Content-Type": "application/jsonl" } });
      }),
    );
    const lines: string[] = [];
    for await (const line of port().fetchJsonl(url)) lines.push(line);
    expect(lines).toEqual(content.trimEnd().split("\n"));
    expect(lines[2]).toContain("急須 常滑焼");
    expect(tokenSeen).toBeNull();
  });

  test("an expired result url is an http error", async () => {
    server.use(
      http.get(
        `${RESULT_URL_BASE}gone`,
        () => new HttpResponse("<Error><Code>ExpiredToken</Code></Error>", { status: 403 }),
      ),
    );
    const consume = async () => {
      for await (const line of port().fetchJsonl(`${RESULT_URL_BASE}gone`)) expect(line).toBeUndefined();
    };
    await expect(consume()).rejects.toMatchObject({ kind: "http", status: 403, operation: "fetchJsonl" });
  });

  test("storage 503 then the file: retried", async () => {
    let calls = 0;
    server.use(
      http.get(`${RESULT_URL_BASE}flaky`, () => {
        calls += 1;
        return calls === 1
          ? new HttpResponse("busy", { status: 503 })
          : new HttpResponse('{"id":"gid://shopify/Product/1"}\n');
      }),
    );
    const lines: string[] = [];
    for await (const line of port().fetchJsonl(`${RESULT_URL_BASE}flaky`)) lines.push(line);
    expect(lines).toEqual(['{"id":"gid://shopify/Product/1"}']);
    expect(calls).toBe(2);
  });
});
