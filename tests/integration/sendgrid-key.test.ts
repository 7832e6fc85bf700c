// The shop's SendGrid key at rest: round trip through the database, the ciphertext never holds the
// key, a wrong encryption key or a moved/tampered row fails closed, nothing logs the key, and
// the engine sends with the shop's key (msw at SendGrid checks the Authorization header).
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { Db } from "~/db.server";
import { listUnsubscribeHeaders } from "~/modules/delivery/mail/headers";
import type { OutgoingMessage } from "~/modules/delivery/mail/transport";
import { engineDepsForShop } from "~/modules/engine/engine-deps.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import {
  encryptionKey,
  loadSendgridKey,
  saveSendgridKey,
  SendgridKeyDecryptError,
  SendgridKeyInputError,
  sendgridKeyStatus,
} from "~/modules/platform/secrets/sendgrid-key.server";
import { createTestDb, type TestDb } from "../helpers/db";

const SHOP_KEY = "SG.shopOwnKeyId_123.Zx9-shopSecretPart_abcdefghijklmnopqrstuvwxyz0123456789ABCD";
const APP_KEY = "SG.appWideKeyId.appWideSecretPart_0123456789";
// engineDepsForShop takes a ProcessEnv (whose type requires NODE_ENV)
const ENV = {
  NODE_ENV: "test",
  SHOPIFY_API_SECRET: "test-api-secret",
  JOREN_ENCRYPTION_KEY: "11".repeat(32),
  SHOPIFY_APP_URL: "https://joren.test",
} as NodeJS.ProcessEnv;

let t: TestDb;
let db: Db;
let shopId: string;
let otherShopId: string;

beforeEach(async () => {
  t = await createTestDb();
  db = t.db;
  shopId = (await registerLocalShop({ db, domain: "key-test.myshopify.com", currency: "JPY", timezone: "Asia/Tokyo" }))
    .shopId;
  otherShopId = (
    await registerLocalShop({ db, domain: "key-other.myshopify.com", currency: "JPY", timezone: "Asia/Tokyo" })
  ).shopId;
});
afterEach(async () => t.close());

const stored = async (id = shopId) =>
  (await db.shop.findUniqueOrThrow({ where: { id }, select: { sendgridKeyEncrypted: true } })).sendgridKeyEncrypted;

test("round trip: saved encrypted, read back, status shows the last four, null removes it", async () => {
  expect(await sendgridKeyStatus(db, shopId, ENV)).toEqual({ configured: false, last4: null });
  expect(await loadSendgridKey(db, shopId, ENV)).toBeNull();

  await saveSendgridKey(db, shopId, `  ${SHOP_KEY}\n`, ENV);
  expect(await loadSendgridKey(db, shopId, ENV)).toBe(SHOP_KEY);
  expect(await sendgridKeyStatus(db, shopId, ENV)).toEqual({ configured: true, last4: "ABCD" });
  expect(await sendgridKeyStatus(db, otherShopId, ENV)).toEqual({ configured: false, last4: null });

  await saveSendgridKey(db, shopId, null, ENV);
  expect(await stored()).toBeNull();
  expect(await sendgridKeyStatus(db, shopId, ENV)).toEqual({ configured: false, last4: null });
});

test("the ciphertext is versioned, fresh per write, and holds no part of the key", async () => {
  await saveSendgridKey(db, shopId, SHOP_KEY, ENV);
  const first = (await stored())!;
  await saveSendgridKey(db, shopId, SHOP_KEY, ENV);
  const second = (await stored())!;
  expect(first).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
  expect(second).not.toBe(first); // random IV
  // the key's id and secret parts (the "SG" prefix is too short: random base64 holds it by chance)
  for (const text of [first, second]) {
    for (const part of SHOP_KEY.split(".").slice(1)) {
      expect(text).not.toContain(part);
      expect(text).not.toContain(Buffer.from(part).toString("base64url"));
    }
  }
});

test("fails closed: another encryption key, a row copied to another shop, a tampered byte", async () => {
  await saveSendgridKey(db, shopId, SHOP_KEY, ENV);
  const otherEnv: NodeJS.ProcessEnv = { ...ENV, JOREN_ENCRYPTION_KEY: "22".repeat(32) };
  await expect(loadSendgridKey(db, shopId, otherEnv)).rejects.toThrow(SendgridKeyDecryptError);
  expect(await sendgridKeyStatus(db, shopId, otherEnv)).toEqual({ configured: true, last4: null });
  // the engine refuses rather than sending through the app-wide key or the outbox
  await expect(
    engineDepsForShop(db, "key-test.myshopify.com", { ...otherEnv, SENDGRID_API_KEY: APP_KEY }),
  ).rejects.toThrow(SendgridKeyDecryptError);

  const ciphertext = (await stored())!;
  await db.shop.update({ where: { id: otherShopId }, data: { sendgridKeyEncrypted: ciphertext } });
  await expect(loadSendgridKey(db, otherShopId, ENV)).rejects.toThrow(SendgridKeyDecryptError);

  const parts = ciphertext.split(".");
  const body = Buffer.from(parts[3]!, "base64url");
  body[0]! ^= 1;
  await db.shop.update({
    where: { id: shopId },
    data: { sendgridKeyEncrypted: [...parts.slice(0, 3), body.toString("base64url")].join(".") },
  });
  await expect(loadSendgridKey(db, shopId, ENV)).rejects.toThrow(SendgridKeyDecryptError);
  await db.shop.update({ where: { id: shopId }, data: { sendgridKeyEncrypted: `v9.${parts.slice(1).join(".")}` } });
  await expect(loadSendgridKey(db, shopId, ENV)).rejects.toThrow(/unknown format/);
});

test("without JOREN_ENCRYPTION_KEY the key is derived from SHOPIFY_API_SECRET (not equal to it); a malformed one is refused", async () => {
  const derivedEnv = { SHOPIFY_API_SECRET: "test-api-secret" };
  await saveSendgridKey(db, shopId, SHOP_KEY, derivedEnv);
  expect(await loadSendgridKey(db, shopId, derivedEnv)).toBe(SHOP_KEY);
  await expect(loadSendgridKey(db, shopId, { SHOPIFY_API_SECRET: "rotated-secret" })).rejects.toThrow(
    SendgridKeyDecryptError,
  );
  expect(encryptionKey(derivedEnv).toString("utf8")).not.toContain("test-api-secret");
  expect(() => encryptionKey({ JOREN_ENCRYPTION_KEY: "too-short" })).toThrow(/32 bytes/);
  expect(() => encryptionKey({})).toThrow(/JOREN_ENCRYPTION_KEY/);
  expect(encryptionKey({ JOREN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") })).toEqual(Buffer.alloc(32, 7));
});

test("bad input is refused in English and Japanese and writes nothing", async () => {
  await saveSendgridKey(db, shopId, SHOP_KEY, ENV);
  const before = await stored();
  for (const bad of [
    "",
    "   ",
    "not-a-key",
    "SG.only-one-part",
    `SG.${"a".repeat(600)}.b`,
    "SG.a.b; DROP TABLE Shop",
    "SG.a.b\nSG.c.d",
  ]) {
    const error = await saveSendgridKey(db, shopId, bad, ENV).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendgridKeyInputError);
    expect((error as SendgridKeyInputError).message).toMatch(/SendGrid/);
    expect((error as SendgridKeyInputError).messageJa).toMatch(/SendGrid/);
    expect((error as Error).message).not.toContain(bad.trim() || "\u0000");
  }
  expect(await stored()).toBe(before);
});

describe("the engine's transport", () => {
  const authorizations: string[] = [];
  const sendgrid = setupServer(
    http.post("https://api.sendgrid.com/v3/mail/send", ({ request }) => {
      authorizations.push(request.headers.get("authorization") ?? "");
      return new HttpResponse(null, { status: 202, headers: { "X-Message-Id": "sg-1" } });
    }),
  );
  beforeAll(() => sendgrid.listen({ onUnhandledRequest: "error" }));
  afterAll(() => sendgrid.close());

  const message: OutgoingMessage = {
    messageId: "m-1",
    to: { email: "buyer@example.jp" },
    from: { email: "shop@joren-tea.example", name: "Joren Tea" },
    subject: "subject",
    html: "<p>html</p>",
    text: "text",
    headers: { ...listUnsubscribeHeaders("https://joren.test/email/unsubscribe?t=x") },
    customArgs: { shop_id: "s", scenario: "welcome" },
  };

  test("sends with the shop's own key, else the app-wide key, else the outbox; the key never reaches the logs", async () => {
    const logged: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const spy = vi
      .spyOn(process.stderr, "write")
      .mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
        logged.push(String(chunk));
        return write(chunk, ...(rest as []));
      });
    try {
      const appWide = await engineDepsForShop(db, "key-test.myshopify.com", {
        ...ENV,
        SENDGRID_API_KEY: APP_KEY,
        JOREN_LOG_LEVEL: "debug",
      });
      expect(appWide.transportName).toBe("sendgrid");
      await appWide.transport.send([message]);

      await saveSendgridKey(db, shopId, SHOP_KEY, ENV);
      const own = await engineDepsForShop(db, "key-test.myshopify.com", { ...ENV, SENDGRID_API_KEY: APP_KEY });
      expect(own.transportName).toBe("sendgrid");
      await own.transport.send([message]);
      expect(authorizations).toEqual([`Bearer ${APP_KEY}`, `Bearer ${SHOP_KEY}`]);

      expect((await engineDepsForShop(db, "key-other.myshopify.com", ENV)).transportName).toBe("outbox");
    } finally {
      spy.mockRestore();
    }
    const all = logged.join("");
    expect(all).not.toContain(SHOP_KEY.split(".")[2]);
    expect(all).not.toContain(APP_KEY.split(".")[2]);
  });
});
