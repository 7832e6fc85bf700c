// The demo's stand-in for Shopify admin keeps the page's query when it adds the session token:
// a report range (`?from=…&to=…`) and a language switch (`?locale=ja`) survive a typed address
// or a reload. Only the redirect is under test, so nothing listens behind the gateway.
import { startDemoAdminGateway, type DemoAdminGateway } from "~/cli/demo-admin-gateway";
import { freeLoopbackPort } from "~/cli/ports";

const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

let gateway: DemoAdminGateway;
beforeAll(async () => {
  gateway = await startDemoAdminGateway({
    port: await freeLoopbackPort(),
    target: "http://127.0.0.1:9",
    shop: "joren-demo.myshopify.com",
    apiKey: "k",
    secret: "s".repeat(32),
  });
});
afterAll(async () => gateway.close());

test("a report range and the locale survive the gateway's token redirect", async () => {
  const answer = await fetch(`${gateway.url}/app/reports?from=2026-01-01&to=2026-02-01&locale=ja`, {
    redirect: "manual",
    headers: { "User-Agent": UA },
  });
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get("location")!);
  expect(location.pathname).toBe("/app/reports");
  expect(location.searchParams.get("from")).toBe("2026-01-01");
  expect(location.searchParams.get("to")).toBe("2026-02-01");
  expect(location.searchParams.getAll("locale")).toEqual(["ja"]);
  expect(location.searchParams.get("id_token")).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(location.searchParams.get("shop")).toBe("joren-demo.myshopify.com");
});

test("filters of the customers list survive too; a page without a query gets only Shopify's parameters", async () => {
  const withQuery = new URL(
    (
      await fetch(`${gateway.url}/app/customers?segment=champions&page=2`, {
        redirect: "manual",
        headers: { "User-Agent": UA },
      })
    ).headers.get("location")!,
  );
  expect([withQuery.searchParams.get("segment"), withQuery.searchParams.get("page")]).toEqual(["champions", "2"]);
  const bare = new URL(
    (await fetch(`${gateway.url}/app`, { redirect: "manual", headers: { "User-Agent": UA } })).headers.get("location")!,
  );
  expect([...bare.searchParams.keys()].sort()).toEqual(["embedded", "host", "id_token", "shop"]);
});
