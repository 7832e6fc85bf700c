// DEMO ONLY (the CLI, never the app server). In Shopify, the admin loads an embedded app in an
// iframe with a session token in the URL, and App Bridge (a script from cdn.shopify.com) adds a
// fresh session token to every request the app makes. The offline demo has no Shopify admin, so
// this small gateway on 127.0.0.1 plays its part in front of the real server: it mints genuine
// session tokens for the local demo shop with the local app secret, adds one to document loads of
// /app pages, serves a stand-in for App Bridge that adds one to the app's own requests and shows
// the navigation menu, and passes everything else through unchanged. The app validates these
// tokens exactly as it validates Shopify's (docs/decisions/0005); nothing in it knows about this.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { appBridgeStandIn } from "./app-bridge-stand-in";
import { embeddedAdminUrl, mintSessionToken } from "./session-token";

/** Where the app's pages load App Bridge from (APP_BRIDGE_URL in app/components/EmbeddedAppProvider.tsx). */
const APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

const STAND_IN_PATH = "/__joren_demo/app-bridge.js";
const TOKEN_PATH = "/__joren_demo/session-token";

// App Bridge's part, played by the stand-in shared with the browser tests: the nav menu drawn as
// a bar at the top (Shopify admin draws it beside the iframe), the title bar, the save bar.
const STAND_IN = appBridgeStandIn({
  idToken: `async () => (await (await nativeFetch(${JSON.stringify(TOKEN_PATH)})).json()).token`,
  tokenPath: TOKEN_PATH,
  navMenu: "bar",
});

export interface DemoAdminGateway {
  url: string;
  /** the admin's address with a session token in it, as Shopify admin opens it */
  adminUrl(path?: string): string;
  close(): Promise<void>;
}

export async function startDemoAdminGateway(options: {
  port: number;
  target: string;
  shop: string;
  apiKey: string;
  secret: string;
}): Promise<DemoAdminGateway> {
  const target = new URL(options.target);
  const token = () =>
    mintSessionToken({ shop: options.shop, apiKey: options.apiKey, secret: options.secret, lifetimeSeconds: 3600 });
  const url = `http://127.0.0.1:${options.port}`;
  // The page's own query (`?from=…&to=…`, `?locale=ja`) rides along: Shopify admin keeps the
  // app's path and query when it opens the app, and adds only its own parameters.
  const adminUrl = (path = "/app", query?: URLSearchParams) => {
    const address = new URL(
      embeddedAdminUrl({
        appUrl: url,
        shop: options.shop,
        apiKey: options.apiKey,
        secret: options.secret,
        path,
        lifetimeSeconds: 3600,
        locale: query?.get("locale") ?? undefined,
      }),
    );
    for (const [key, value] of query ?? [])
      if (!address.searchParams.has(key) && key !== "id_token") address.searchParams.append(key, value);
    return address.toString();
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const requestUrl = new URL(req.url ?? "/", url);
    if (requestUrl.pathname === STAND_IN_PATH) {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" });
      res.end(STAND_IN);
      return;
    }
    if (requestUrl.pathname === TOKEN_PATH) {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ token: token() }));
      return;
    }
    // A page of the admin opened without a token (a typed address, a reload, a full-page link):
    // Shopify admin always opens the app with one, so the gateway does too.
    const isDocument = req.method === "GET" && !requestUrl.searchParams.has("_data") && !req.headers.authorization;
    if (
      isDocument &&
      (requestUrl.pathname === "/app" || requestUrl.pathname.startsWith("/app/")) &&
      !requestUrl.searchParams.has("id_token")
    ) {
      res.writeHead(302, { location: adminUrl(requestUrl.pathname, requestUrl.searchParams) });
      res.end();
      return;
    }
    const headers = { ...req.headers, host: target.host };
    // uncompressed answers, so the one HTML rewrite below needs no decoding
    delete headers["accept-encoding"];
    const upstream = httpRequest(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (answer) => {
        const type = String(answer.headers["content-type"] ?? "");
        if (!type.includes("text/html")) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const html = Buffer.concat(chunks).toString("utf8").split(APP_BRIDGE_URL).join(STAND_IN_PATH);
          const outHeaders = { ...answer.headers };
          delete outHeaders["content-length"];
          res.writeHead(answer.statusCode ?? 502, outHeaders);
          res.end(html);
        });
      },
    );
    upstream.on("error", (error) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      res.end(`The Joren server did not answer (${error.message}). Is \`npm run demo\` still running?`);
    });
    req.pipe(upstream);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  return {
    url,
    adminUrl,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
