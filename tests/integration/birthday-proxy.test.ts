// The storefront birthday form over HTTP against the real server build: the app proxy signature
// (HMAC-SHA256 of the sorted query parameters, as Shopify signs them), logged-in customers only,
// validation, once-only registration, and a signed-in but tampered request writing nothing.
import { createHmac } from "node:crypto";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { BIRTHDAY_MESSAGES, birthDateSchema } from "~/modules/ingest/birthdays/storefront-birthday.server";
import { startAppServer, TEST_SECRET, type AppServer } from "../helpers/app-server";
import { createTestDb, type TestDb } from "../helpers/db";

const SHOP = "birthday-shop.myshopify.com";
const CUSTOMER = "9007199254740993123"; // above 2^53: must stay exact

let t: TestDb;
let server: AppServer;

beforeAll(async () => {
  t = await createTestDb();
  await registerLocalShop({ db: t.db, domain: SHOP });
  server = await startAppServer({ databaseUrl: t.url });
});
afterAll(async () => {
  await server?.stop();
  await t?.close();
});

/** The query string Shopify's app proxy appends, signed as Shopify signs it. */
function signedQuery(params: Record<string, string>, secret = TEST_SECRET): string {
  const message = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("");
  const signature = createHmac("sha256", secret).update(message).digest("hex");
  return new URLSearchParams({ ...params, signature }).toString();
}

function proxyParams(customerId: string) {
  return {
    shop: SHOP,
    logged_in_customer_id: customerId,
    path_prefix: "/apps/joren",
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
}

function post(query: string, body: Record<string, string>, json = true) {
  return fetch(`${server.url}/proxy/birthday?${query}`, {
    method: "POST",
    redirect: "manual",
    headers: json
      ? { "content-type": "application/json", accept: "application/json" }
      : { "content-type": "application/x-www-form-urlencoded" },
    body: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
}

const birthDateOf = async (gid: string) =>
  (await t.db.customer.findFirst({ where: { gid }, select: { birthDate: true } }))?.birthDate ?? null;

test("a logged-in customer saves their birthday once; a change afterwards is refused", async () => {
  const saved = await post(signedQuery(proxyParams(CUSTOMER)), { birthDate: "1990-04-15", locale: "ja" });
  expect(saved.status).toBe(200);
  expect(await saved.json()).toMatchObject({
    ok: true,
    outcome: "saved",
    message: expect.stringContaining("誕生日を登録しました"),
  });
  expect(await birthDateOf(`gid://shopify/Customer/${CUSTOMER}`)).toBe("1990-04-15");

  const again = await post(signedQuery(proxyParams(CUSTOMER)), { birthDate: "1990-04-15" });
  expect(await again.json()).toMatchObject({ ok: true, outcome: "unchanged" });

  const change = await post(signedQuery(proxyParams(CUSTOMER)), { birthDate: "1990-05-01", locale: "en" });
  expect(change.status).toBe(409);
  expect(await change.json()).toMatchObject({
    outcome: "conflict",
    message: expect.stringContaining("contact the shop"),
  });
  expect(await birthDateOf(`gid://shopify/Customer/${CUSTOMER}`)).toBe("1990-04-15");
});

test("the birthday form records only the signed customer's date: an address or consent box sent with it raises no consent, creates nobody and sends nothing (ADR 0023)", async () => {
  const member = "9007199254740993124";
  const res = await post(signedQuery(proxyParams(member)), {
    birthDate: "1991-02-03",
    email: "victim@example.jp",
    consent: "on",
    locale: "en",
  } as Record<string, string>);
  expect(res.status).toBe(200);
  const row = await t.db.customer.findFirstOrThrow({ where: { gid: `gid://shopify/Customer/${member}` } });
  expect(row).toMatchObject({ birthDate: "1991-02-03", email: null, emailConsent: "NOT_SUBSCRIBED" });
  expect(await t.db.customer.count({ where: { emailNormalized: "victim@example.jp" } })).toBe(0);
  expect(await t.db.optInRequest.count()).toBe(0);
  expect(await t.db.outboxEmail.count()).toBe(0);
});

test("a tampered or unsigned request is refused with 400 and writes nothing", async () => {
  const query = signedQuery(proxyParams("1001"));
  const tampered = query.replace("logged_in_customer_id=1001", "logged_in_customer_id=1002");
  expect((await post(tampered, { birthDate: "1991-01-01" })).status).toBe(400);
  expect((await post(signedQuery(proxyParams("1001"), "wrong-secret"), { birthDate: "1991-01-01" })).status).toBe(400);
  expect((await post(new URLSearchParams(proxyParams("1001")).toString(), { birthDate: "1991-01-01" })).status).toBe(
    400,
  );
  expect(
    await t.db.customer.count({
      where: { gid: { in: ["gid://shopify/Customer/1001", "gid://shopify/Customer/1002"] } },
    }),
  ).toBe(0);
});

test("guests are told to log in; invalid dates are refused; neither writes", async () => {
  const guest = await post(signedQuery(proxyParams("")), { birthDate: "1990-04-15", locale: "ja" });
  expect(guest.status).toBe(401);
  expect(await guest.json()).toMatchObject({
    outcome: "guest",
    message: "誕生日を登録するには、ログインしてください。",
  });
  for (const birthDate of ["1990-02-30", "15/04/1990", "2999-01-01", "1850-01-01", ""]) {
    const response = await post(signedQuery(proxyParams("2002")), { birthDate });
    expect(response.status).toBe(400);
  }
  expect(await t.db.customer.count({ where: { gid: "gid://shopify/Customer/2002" } })).toBe(0);
});

test("a plain form post gets the confirmation inside the shop's theme with a link back (Liquid cannot read a query string); a failed one gets a page in both languages", async () => {
  const ok = await post(
    signedQuery(proxyParams("3003")),
    { birthDate: "2000-02-29", return_to: "/pages/birthday", locale: "ja" },
    false,
  );
  expect(ok.status).toBe(200);
  expect(ok.headers.get("content-type")).toMatch(/^application\/liquid/);
  const confirmation = await ok.text();
  expect(confirmation).toContain('data-joren-outcome="joren_birthday=saved"');
  expect(confirmation).toContain(BIRTHDAY_MESSAGES.saved.ja);
  expect(confirmation).toContain('<a href="/pages/birthday">');
  const offsite = await post(
    signedQuery(proxyParams("3004")),
    { birthDate: "2000-01-01", return_to: "//evil.example/x" },
    false,
  );
  expect(await offsite.text()).toContain('<a href="/account">');
  const bad = await post(signedQuery(proxyParams("3005")), { birthDate: "nope" }, false);
  expect(bad.status).toBe(400);
  const page = await bad.text();
  expect(page).toContain("誕生日を正しく入力してください");
  expect(page).toContain("Please enter a valid birth date");
});

test("birth date validation", () => {
  const schema = birthDateSchema(new Date("2026-11-02T00:00:00Z"));
  expect(schema.safeParse("2000-02-29").success).toBe(true);
  expect(schema.safeParse("1900-02-29").success).toBe(false); // 1900 was not a leap year
  expect(schema.safeParse("2026-11-02").success).toBe(true);
  expect(schema.safeParse("2026-11-04").success).toBe(false);
});
