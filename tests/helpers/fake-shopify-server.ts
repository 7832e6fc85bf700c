// A stand-in for Shopify over real HTTP on 127.0.0.1, for a child process whose fetch is routed
// here by tests/helpers/route-fetch-to-local.ts (msw cannot reach into another process). It
// answers the two Admin GraphQL operations the history import uses — bulkOperationRunQuery and
// bulkOperation (node) — in the shape Shopify gives (tests/fixtures/admin-api), and serves each
// completed operation's JSONL from a separate "storage" host, the way Shopify's signed result
// urls point to cloud storage. Every request is recorded; one that Shopify would refuse (wrong
// host, path, token, variables) is answered with an error and recorded as refused.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { bulkQueryRoot, type FakeBulkRoot } from "~/modules/platform/shopify/fake-admin-port";

/** set by route-fetch-to-local.ts: the host the request was meant for */
const ORIGINAL_HOST_HEADER = "x-joren-test-host";
const API_PATH = "/admin/api/2026-04/graphql.json";

export type FakeShopifyCall =
  | { op: "bulkOperationRunQuery"; root: FakeBulkRoot; id: string }
  | { op: "bulkOperation"; id: string }
  | { op: "download"; id: string; root: FakeBulkRoot; linesServed: number; complete: boolean }
  | { op: "refused"; reason: string };

export interface FakeShopifyServer {
  /** the origin to route to (JOREN_TEST_FETCH_TARGET) */
  origin: string;
  /** the hosts to route here (JOREN_TEST_FETCH_HOSTS) */
  hosts: string[];
  readonly calls: FakeShopifyCall[];
  /**
   * The next download of `root`'s result sends its first `lines` lines and then nothing more,
   * keeping the response open until the client goes away (a result file still arriving).
   */
  holdNextDownload(root: FakeBulkRoot, lines: number): void;
  close(): Promise<void>;
}

export interface FakeShopifyServerOptions {
  shop: string;
  accessToken: string;
  /** each stage's bulk result, one JSONL line per element */
  lines: Record<FakeBulkRoot, string[]>;
}

const RESULT_HOST = "storage.joren-test.invalid";

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
}

const cost = {
  requestedQueryCost: 10,
  actualQueryCost: 10,
  throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 },
};

export async function startFakeShopifyServer(options: FakeShopifyServerOptions): Promise<FakeShopifyServer> {
  const calls: FakeShopifyCall[] = [];
  const operations = new Map<string, { root: FakeBulkRoot; number: number }>();
  const holds = new Map<FakeBulkRoot, number>();
  let sequence = 0;

  function refuse(response: ServerResponse, status: number, reason: string): void {
    calls.push({ op: "refused", reason });
    json(response, status, { errors: reason });
  }

  async function graphql(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== "POST") return refuse(response, 405, `${request.method} ${API_PATH}`);
    if (request.headers["x-shopify-access-token"] !== options.accessToken) {
      return refuse(response, 401, "[API] Invalid API key or access token (unrecognized login or wrong password)");
    }
    const body = JSON.parse(await readBody(request)) as { query?: string; variables?: Record<string, unknown> };
    const query = body.query ?? "";
    const variables = body.variables ?? {};
    if (/mutation bulkOperationRunQuery\b/.test(query)) {
      const root = typeof variables.query === "string" ? bulkQueryRoot(variables.query) : null;
      if (!root)
        return refuse(
          response,
          200,
          `not a products, customers or orders bulk query: ${String(variables.query).slice(0, 80)}`,
        );
      if (variables.groupObjects !== true) return refuse(response, 200, "groupObjects must be true");
      sequence += 1;
      const id = `gid://shopify/BulkOperation/${5_873_452_712_000 + sequence}`;
      operations.set(id, { root, number: sequence });
      calls.push({ op: "bulkOperationRunQuery", root, id });
      return json(response, 200, {
        data: { bulkOperationRunQuery: { bulkOperation: { id, status: "CREATED" }, userErrors: [] } },
        extensions: { cost },
      });
    }
    if (/query bulkOperation\b/.test(query)) {
      const id = String(variables.id);
      calls.push({ op: "bulkOperation", id });
      const op = operations.get(id);
      if (!op) return json(response, 200, { data: { node: null }, extensions: { cost } });
      const lines = options.lines[op.root];
      return json(response, 200, {
        data: {
          node: {
            id,
            status: "COMPLETED",
            errorCode: null,
            objectCount: String(lines.length),
            url:
              lines.length > 0
                ? `https://${RESULT_HOST}/bulk-operation-outputs/${op.number}-final?Signature=c2lnbmF0dXJl&Expires=1893456000`
                : null,
            createdAt: "2026-02-24T08:00:01Z",
            completedAt: "2026-02-24T08:02:37Z",
          },
        },
        extensions: { cost },
      });
    }
    return refuse(response, 200, `unexpected operation: ${query.slice(0, 80)}`);
  }

  function download(request: IncomingMessage, response: ServerResponse, path: string): void {
    const number = Number(/^\/bulk-operation-outputs\/(\d+)-final$/.exec(path)?.[1]);
    const entry = [...operations.entries()].find(([, op]) => op.number === number);
    if (request.method !== "GET" || !entry) return refuse(response, 403, `no result at ${path}`);
    // a pre-signed storage url: the shop's access token must never travel there
    if (request.headers["x-shopify-access-token"] !== undefined)
      return refuse(response, 400, "the access token was sent to the storage host");
    const [id, op] = entry;
    const lines = options.lines[op.root];
    response.writeHead(200, { "Content-Type": "application/jsonl" });
    const hold = holds.get(op.root);
    if (hold === undefined) {
      // in chunks that cut lines apart, as a network does
      const text = lines.map((line) => `${line}\n`).join("");
      const bytes = Buffer.from(text, "utf8");
      for (let at = 0; at < bytes.length; at += 4093) response.write(bytes.subarray(at, at + 4093));
      response.end();
      calls.push({ op: "download", id, root: op.root, linesServed: lines.length, complete: true });
      return;
    }
    holds.delete(op.root);
    const served = Math.min(hold, lines.length);
    response.write(
      lines
        .slice(0, served)
        .map((line) => `${line}\n`)
        .join(""),
    );
    // nothing more is sent: the response stays open until the client is gone (or close())
    calls.push({ op: "download", id, root: op.root, linesServed: served, complete: false });
  }

  const server = createServer((request, response) => {
    const host = request.headers[ORIGINAL_HOST_HEADER];
    const path = (request.url ?? "/").split("?")[0];
    const handled =
      host === options.shop && path === API_PATH
        ? graphql(request, response)
        : host === RESULT_HOST
          ? Promise.resolve(download(request, response, path!))
          : Promise.resolve(refuse(response, 404, `nothing at https://${String(host)}${path}`));
    handled.catch((error: unknown) => {
      calls.push({ op: "refused", reason: `server error: ${(error as Error).message}` });
      if (!response.headersSent) json(response, 500, { errors: "Internal error" });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    hosts: [options.shop, RESULT_HOST],
    calls,
    holdNextDownload(root, lines) {
      holds.set(root, lines);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
