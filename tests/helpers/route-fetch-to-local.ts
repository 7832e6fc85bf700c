// Preloaded into a child process (`node --import tsx --import ./tests/helpers/route-fetch-to-local.ts
// app/cli/main.ts …`): the process's fetch to the named https hosts goes to a local test server
// instead, the way an /etc/hosts entry would send it there. Production code runs unchanged — the
// real Admin port still builds https://{shop}/admin/api/…/graphql.json, checks that the bulk
// result url is https, and streams the download; only where the connection lands differs (plain
// HTTP on 127.0.0.1). The host the request was meant for travels in X-Joren-Test-Host so the
// server can check it. A
// request to any other host fails the way an unreachable network does (nothing leaves the machine).
//
//   JOREN_TEST_FETCH_TARGET  the local server's origin, e.g. http://127.0.0.1:41234
//   JOREN_TEST_FETCH_HOSTS   comma-separated hosts to route there
// (tests/helpers/fake-shopify-server.ts is such a server.)
export {};

const target = process.env.JOREN_TEST_FETCH_TARGET;
const hosts = new Set((process.env.JOREN_TEST_FETCH_HOSTS ?? "").split(",").filter((h) => h.length > 0));
if (!target || hosts.size === 0)
  throw new Error("route-fetch-to-local: set JOREN_TEST_FETCH_TARGET and JOREN_TEST_FETCH_HOSTS");
const origin = new URL(target);
if (origin.hostname !== "127.0.0.1")
  throw new Error(`route-fetch-to-local: the target must be on 127.0.0.1, not ${target}`);
const realFetch = globalThis.fetch;

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  if (input instanceof Request) throw new TypeError("route-fetch-to-local: only string and URL inputs are routed");
  const url = new URL(String(input));
  if (url.protocol !== "https:" || !hosts.has(url.host)) {
    throw new TypeError(`fetch failed: no route to ${url.origin} in this test`);
  }
  const headers = new Headers(init?.headers);
  headers.set("x-joren-test-host", url.host);
  return realFetch(new URL(`${url.pathname}${url.search}`, origin), { ...init, headers });
};
