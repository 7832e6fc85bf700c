// The public email endpoints over HTTP against the real server build (unsubscribe, click, open,
// SendGrid's event webhook), plus unsubscribeByMessage, recordMailEvents and the Prisma outbox
// store against the same migrated database.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { buildMessageLinks } from "~/modules/delivery/mail/links.server";
import { mailTokenSecret } from "~/modules/delivery/mail/mail-secret.server";
import { handleSendgridEventsRequest, TRANSPARENT_GIF } from "~/modules/tracking/mail-endpoints.server";
import { createOutboxTransport } from "~/modules/delivery/mail/outbox-transport";
import { createPrismaOutboxStore } from "~/modules/delivery/mail/prisma-outbox-store.server";
import { recordMailEvents } from "~/modules/tracking/record-mail-events.server";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "~/modules/tracking/sendgrid-events.server";
import {
  UNSUBSCRIBE_PENDING_SYNC_SOURCE,
  UNSUBSCRIBE_SOURCE,
  unsubscribeByMessage,
} from "~/modules/tracking/unsubscribe.server";
import { listUnsubscribeHeaders } from "~/modules/delivery/mail/headers";
import type { OutgoingMessage } from "~/modules/delivery/mail/transport";
import { createFakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";
import { startAppServer, TEST_SECRET, type AppServer } from "../helpers/app-server";
import { createTestDb, type TestDb } from "../helpers/db";

const SHOP = "mail-test.myshopify.com";
const OTHER = "mail-other.myshopify.com";
const DAY_MS = 24 * 3600 * 1000;

let t: TestDb;
let server: AppServer;
let shopId: string;
let otherShopId: string;
let secret: string;
let sendgridKey: KeyObject;

beforeAll(async () => {
  t = await createTestDb();
  shopId = (await registerLocalShop({ db: t.db, domain: SHOP })).shopId;
  otherShopId = (await registerLocalShop({ db: t.db, domain: OTHER })).shopId;
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  sendgridKey = privateKey;
  // The server derives its link secret from SHOPIFY_API_SECRET (no JOREN_MAIL_TOKEN_SECRET).
  secret = mailTokenSecret({ SHOPIFY_API_SECRET: TEST_SECRET });
  server = await startAppServer({
    databaseUrl: t.url,
    env: {
      SENDGRID_WEBHOOK_PUBLIC_KEY: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
      JOREN_MAIL_TOKEN_SECRET: "",
    },
  });
});
afterAll(async () => {
  await server?.stop();
  await t?.close();
});

let seq = 0;

interface Fixture {
  shopId: string;
  customerId: string;
  customerGid: string | null;
  messageId: string;
  email: string;
}

/** A subscribed customer and a sent email to them. */
async function sentMessage(options: { shop?: string; gid?: boolean; email?: string } = {}): Promise<Fixture> {
  seq += 1;
  const owner = options.shop ?? shopId;
  const email = options.email ?? `Person${seq}@Example.com`;
  const gid = options.gid === false ? null : `gid://shopify/Customer/${7_000_000_000_000 + seq}`;
  const customer = await t.db.customer.create({
    data: {
      shopId: owner,
      gid,
      email,
      emailNormalized: email.trim().toLowerCase(),
      emailConsent: "SUBSCRIBED",
      emailConsentAt: new Date(Date.now() - 30 * DAY_MS),
      emailConsentSource: "shopify",
    },
  });
  const message = await t.db.message.create({
    data: {
      shopId: owner,
      scenario: "welcome",
      customerId: customer.id,
      triggerKey: `test:${seq}`,
      status: "sent",
      dueAt: new Date(Date.now() - DAY_MS),
      email,
      locale: "ja",
      subject: "ようこそ",
      sentAt: new Date(Date.now() - DAY_MS),
    },
  });
  return { shopId: owner, customerId: customer.id, customerGid: gid, messageId: message.id, email };
}

function linksFor(f: Fixture, now = new Date()) {
  return buildMessageLinks({
    appUrl: server.url,
    secret,
    shopId: f.shopId,
    messageId: f.messageId,
    customerId: f.customerId,
    now,
  });
}

/** Everything an endpoint could write, for "nothing was written" checks. */
async function snapshot() {
  const [suppressions, events, customers, messages] = await Promise.all([
    t.db.suppression.findMany({ orderBy: { id: "asc" } }),
    t.db.mailEvent.findMany({ orderBy: { id: "asc" } }),
    t.db.customer.findMany({ orderBy: { id: "asc" } }),
    t.db.message.findMany({ orderBy: { id: "asc" } }),
  ]);
  return { suppressions, events, customers, messages };
}

function oneClick(url: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...init.headers },
    body: init.body ?? "List-Unsubscribe=One-Click",
  });
}

/** The same link with one character of its token's signature changed. */
function tamper(url: string): string {
  const u = new URL(url);
  const token = u.searchParams.get("t") ?? "";
  // a middle character: every bit of it counts (the last one of a base64 MAC carries padding bits)
  const i = token.indexOf(".") + 10;
  u.searchParams.set("t", token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1));
  return u.toString();
}

describe("/email/unsubscribe", () => {
  test("a one-click POST unsubscribes at once, and repeating it changes nothing", async () => {
    const f = await sentMessage({ email: "  Hana.Unsub@Example.COM " });
    const { unsubscribeUrl } = linksFor(f);

    const res = await oneClick(unsubscribeUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toContain("配信を停止しました");

    const customer = await t.db.customer.findUniqueOrThrow({ where: { id: f.customerId } });
    expect(customer.emailConsent).toBe("UNSUBSCRIBED");
    // a local shop's Admin API is the in-process fake: the write-back succeeds
    expect(customer.emailConsentSource).toBe(UNSUBSCRIBE_SOURCE);
    expect(Date.now() - customer.emailConsentAt!.getTime()).toBeLessThan(60_000);
    const suppressions = await t.db.suppression.findMany({ where: { shopId } });
    expect(suppressions.filter((s) => s.emailNormalized === "hana.unsub@example.com")).toEqual([
      expect.objectContaining({ reason: "unsubscribe" }),
    ]);
    const message = await t.db.message.findUniqueOrThrow({ where: { id: f.messageId } });
    expect(message.unsubscribedAt).not.toBeNull();
    expect(await t.db.mailEvent.count({ where: { shopId, eventId: `unsubscribe:${f.messageId}` } })).toBe(1);

    const before = await snapshot();
    const again = await oneClick(unsubscribeUrl, { body: "anything at all" });
    expect(again.status).toBe(200);
    expect(await snapshot()).toEqual(before);
  });

  test("GET shows the page in Japanese for Accept-Language: ja and English otherwise, and writes nothing", async () => {
    const f = await sentMessage();
    const { unsubscribeUrl } = linksFor(f);
    const before = await snapshot();

    const ja = await fetch(unsubscribeUrl, { headers: { "accept-language": "ja" } });
    expect(ja.status).toBe(200);
    expect(ja.headers.get("content-type")).toMatch(/^text\/html/);
    expect(ja.headers.get("cache-control")).toBe("no-store");
    const jaHtml = await ja.text();
    expect(jaHtml).toContain('<html lang="ja">');
    expect(jaHtml).toContain("配信を停止する");
    expect(jaHtml).toContain("mail-test");
    expect(jaHtml).toMatch(/<form method="post" action="\?t=[A-Za-z0-9_.-]+">/);

    for (const header of [undefined, "en-US,en;q=0.9", "fr-FR", "fr;q=0.9, ja;q=0.1, en;q=0.5"]) {
      const res = await fetch(unsubscribeUrl, { headers: header ? { "accept-language": header } : {} });
      const html = await res.text();
      expect(html).toContain('<html lang="en">');
      expect(html).toContain(">Unsubscribe</button>");
    }
    const preferJa = await fetch(unsubscribeUrl, { headers: { "accept-language": "fr, ja-JP;q=0.8, en;q=0.5" } });
    expect(await preferJa.text()).toContain('<html lang="ja">');

    expect(await snapshot()).toEqual(before);
  });

  test("the page's button unsubscribes and says so, in the page's language", async () => {
    for (const [language, done] of [
      ["ja", "配信を停止しました"],
      ["en", "You&#39;re unsubscribed"],
    ] as const) {
      const f = await sentMessage();
      const { unsubscribeUrl } = linksFor(f);
      const page = await (await fetch(unsubscribeUrl, { headers: { "accept-language": language } })).text();
      const form = /<form method="post" action="([^"]+)">.*?name="([^"]+)" value="([^"]+)"/.exec(page);
      expect(form).not.toBeNull();
      const action = new URL(form![1]!.replace(/&amp;/g, "&"), unsubscribeUrl).toString();
      const res = await fetch(action, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "accept-language": language },
        body: new URLSearchParams({ [form![2]!]: form![3]! }).toString(),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain(done);
      expect((await t.db.customer.findUniqueOrThrow({ where: { id: f.customerId } })).emailConsent).toBe(
        "UNSUBSCRIBED",
      );
    }
  });

  test("an expired, tampered, missing or wrong-kind token is a 400 that explains, and nothing is written", async () => {
    const f = await sentMessage();
    const expired = linksFor(f, new Date(Date.now() - 400 * DAY_MS)).unsubscribeUrl;
    const current = linksFor(f);
    const before = await snapshot();

    const expiredPost = await oneClick(expired);
    expect(expiredPost.status).toBe(400);
    expect(await expiredPost.text()).toMatch(/expired.*contact the shop/s);

    const expiredPage = await fetch(expired, { headers: { "accept-language": "ja" } });
    expect(expiredPage.status).toBe(400);
    const expiredHtml = await expiredPage.text();
    expect(expiredHtml).toContain("有効期限が切れています");
    expect(expiredHtml).toContain("ショップに直接お問い合わせください");
    expect(expiredHtml).not.toContain("<form");

    const tampered = await oneClick(tamper(current.unsubscribeUrl));
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).toContain("not valid");

    const tamperedPage = await fetch(tamper(current.unsubscribeUrl));
    expect(tamperedPage.status).toBe(400);
    expect(await tamperedPage.text()).toMatch(/This link is not valid\..*contact the shop/s);

    const missing = await oneClick(`${server.url}/email/unsubscribe`);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("incomplete");

    // an open-pixel token cannot unsubscribe anyone
    const wrongKind = await oneClick(current.openPixelUrl.replace("/email/open", "/email/unsubscribe"));
    expect(wrongKind.status).toBe(400);

    const fromPage = await oneClick(tamper(current.unsubscribeUrl), { body: "joren_page=1" });
    expect(fromPage.status).toBe(400);
    expect(fromPage.headers.get("content-type")).toMatch(/^text\/html/);

    expect(await snapshot()).toEqual(before);
  });

  test("any body is accepted, up to 1 MB", async () => {
    const f = await sentMessage();
    const { unsubscribeUrl } = linksFor(f);
    const before = await snapshot();
    const huge = await oneClick(unsubscribeUrl, { body: "x".repeat(1024 * 1024 + 1) });
    expect(huge.status).toBe(413);
    expect(await huge.text()).toContain("List-Unsubscribe=One-Click");
    expect(await snapshot()).toEqual(before);

    const json = await oneClick(unsubscribeUrl, {
      headers: { "content-type": "application/json" },
      body: '{"unsubscribe":true}',
    });
    expect(json.status).toBe(200);
    const empty = await fetch(unsubscribeUrl, { method: "POST" });
    expect(empty.status).toBe(200);
    expect((await t.db.customer.findUniqueOrThrow({ where: { id: f.customerId } })).emailConsent).toBe("UNSUBSCRIBED");
  });

  test("other methods are refused", async () => {
    const f = await sentMessage();
    const res = await fetch(linksFor(f).unsubscribeUrl, { method: "PUT", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST");
  });
});

describe("/email/click", () => {
  const target = "https://tea.example/products/sencha?utm_source=joren&variant=1";

  test("redirects to the signed URL only, and records the click once", async () => {
    const f = await sentMessage();
    const click = linksFor(f).clickUrl(target);

    const first = await fetch(click, { redirect: "manual" });
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe(target);
    const clickedAt = (await t.db.message.findUniqueOrThrow({ where: { id: f.messageId } })).clickedAt;
    expect(clickedAt).not.toBeNull();

    // a url= parameter is never followed: the destination is inside the signed token
    const withUrl = await fetch(`${click}&url=${encodeURIComponent("https://evil.example/phish")}`, {
      redirect: "manual",
    });
    expect(withUrl.status).toBe(302);
    expect(withUrl.headers.get("location")).toBe(target);

    const eventId = `click:${f.messageId}:${createHash("sha1").update(target).digest("hex")}`;
    const events = await t.db.mailEvent.findMany({ where: { shopId, messageId: f.messageId } });
    expect(events).toEqual([expect.objectContaining({ eventId, kind: "click", url: target })]);
    expect((await t.db.message.findUniqueOrThrow({ where: { id: f.messageId } })).clickedAt).toEqual(clickedAt);
  });

  test("a bad token is a 400 with no redirect and no write; an unsigned url= alone is never followed", async () => {
    const f = await sentMessage();
    const click = linksFor(f).clickUrl(target);
    const before = await snapshot();

    for (const url of [
      tamper(click),
      `${server.url}/email/click?url=${encodeURIComponent("https://evil.example/phish")}`,
      linksFor(f, new Date(Date.now() - 61 * DAY_MS)).clickUrl(target),
      linksFor(f).openPixelUrl.replace("/email/open", "/email/click"),
    ]) {
      const res = await fetch(url, { redirect: "manual", headers: { "accept-language": "en" } });
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(await res.text()).toContain("This link cannot be used");
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe("/email/open", () => {
  test("answers a 1×1 transparent GIF and records the open once", async () => {
    const f = await sentMessage();
    const { openPixelUrl } = linksFor(f);
    expect(TRANSPARENT_GIF.length).toBe(43);

    for (let i = 0; i < 2; i += 1) {
      const res = await fetch(openPixelUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/gif");
      expect(res.headers.get("cache-control")).toMatch(/no-store/);
      expect(Buffer.from(await res.arrayBuffer()).equals(TRANSPARENT_GIF)).toBe(true);
    }
    const events = await t.db.mailEvent.findMany({ where: { shopId, messageId: f.messageId } });
    expect(events).toEqual([expect.objectContaining({ eventId: `open:${f.messageId}`, kind: "open" })]);
    expect((await t.db.message.findUniqueOrThrow({ where: { id: f.messageId } })).openedAt).not.toBeNull();
  });

  test("a bad token still gets the GIF, and nothing is recorded", async () => {
    const f = await sentMessage();
    const before = await snapshot();
    for (const url of [
      tamper(linksFor(f).openPixelUrl),
      `${server.url}/email/open`,
      linksFor(f).unsubscribeUrl.replace("/email/unsubscribe", "/email/open"),
    ]) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/gif");
      expect(Buffer.from(await res.arrayBuffer()).equals(TRANSPARENT_GIF)).toBe(true);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe("/sendgrid/events", () => {
  const nowS = () => Math.floor(Date.now() / 1000);

  function signed(body: string, key: KeyObject = sendgridKey, timestamp = String(nowS())) {
    const signature = sign("sha256", Buffer.from(timestamp + body, "utf8"), { key, dsaEncoding: "der" }).toString(
      "base64",
    );
    return { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp };
  }

  function post(body: string, headers: Record<string, string>) {
    return fetch(`${server.url}/sendgrid/events`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
  }

  let eventSeq = 0;
  function event(kind: string, f: Fixture | null, extra: Record<string, unknown> = {}) {
    eventSeq += 1;
    return {
      email: f?.email ?? "someone@example.com",
      timestamp: nowS() - 60 + eventSeq,
      event: kind,
      sg_event_id: `sg-${eventSeq}-${kind}`,
      sg_message_id: `sgmsg-${eventSeq}`,
      ...(f ? { joren_message_id: f.messageId, shop_id: f.shopId, scenario: "welcome" } : {}),
      ...extra,
    };
  }

  test("signed events are recorded: delivered, open, bounces, spam reports and unsubscribes", async () => {
    const a = await sentMessage();
    const bounced = await sentMessage({ email: "Gone@Example.com" });
    const blocked = await sentMessage();
    const complainer = await sentMessage();
    const leaver = await sentMessage();
    const events = [
      event("processed", a),
      event("delivered", a, { response: "250 OK" }),
      event("open", a, { sg_machine_open: false }),
      event("bounce", bounced, { type: "bounce", reason: "550 unknown recipient" }),
      event("bounce", blocked, { type: "blocked", reason: "421 try later" }),
      event("spamreport", complainer),
      event("unsubscribe", leaver),
      event("delivered", null),
      event("group_resubscribe", a),
    ];
    const body = JSON.stringify(events);
    const res = await post(body, signed(body));
    expect(res.status).toBe(200);
    // group_resubscribe is skipped by the parser; the event without custom args is ignored
    expect(await res.json()).toEqual({ applied: 7, ignored: 1, duplicates: 0 });

    const message = (f: Fixture) => t.db.message.findUniqueOrThrow({ where: { id: f.messageId } });
    const ma = await message(a);
    expect(ma.deliveredAt?.getTime()).toBe(events[1]!.timestamp * 1000);
    expect(ma.openedAt?.getTime()).toBe(events[2]!.timestamp * 1000);
    expect((await message(bounced)).bouncedAt).not.toBeNull();
    expect((await message(blocked)).bouncedAt).not.toBeNull();
    expect((await message(complainer)).complainedAt).not.toBeNull();
    expect((await message(leaver)).unsubscribedAt).not.toBeNull();

    const suppression = (f: Fixture) =>
      t.db.suppression.findUnique({
        where: { shopId_emailNormalized: { shopId, emailNormalized: f.email.toLowerCase() } },
      });
    expect(await suppression(bounced)).toMatchObject({ reason: "bounce" });
    // a blocked (soft) bounce does not suppress the address
    expect(await suppression(blocked)).toBeNull();
    expect(await suppression(complainer)).toMatchObject({ reason: "spamreport" });
    expect(await suppression(leaver)).toMatchObject({ reason: "unsubscribe" });

    const consent = async (f: Fixture) =>
      (await t.db.customer.findUniqueOrThrow({ where: { id: f.customerId } })).emailConsent;
    // bounces and spam reports suppress the address; only an unsubscribe changes consent
    expect(await consent(bounced)).toBe("SUBSCRIBED");
    expect(await consent(complainer)).toBe("SUBSCRIBED");
    expect(await consent(leaver)).toBe("UNSUBSCRIBED");
    expect(await t.db.mailEvent.count({ where: { shopId, messageId: a.messageId } })).toBe(3);

    // SendGrid delivers at least once: a redelivery (newly signed) changes nothing
    const before = await snapshot();
    const again = await post(body, signed(body));
    expect(await again.json()).toEqual({ applied: 0, ignored: 1, duplicates: 7 });
    expect(await snapshot()).toEqual(before);
  });

  test("an event naming another shop's message, or an unknown shop or message, is ignored", async () => {
    const mine = await sentMessage();
    const theirs = await sentMessage({ shop: otherShopId });
    const events = [
      event("delivered", { ...theirs, shopId }),
      event("spamreport", { ...mine, shopId: otherShopId }),
      event("bounce", { ...mine, shopId: "no-such-shop" }, { type: "bounce" }),
      event("delivered", { ...mine, messageId: "no-such-message" }),
    ];
    const before = await snapshot();
    const body = JSON.stringify(events);
    const res = await post(body, signed(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ applied: 0, ignored: 4, duplicates: 0 });
    expect(await snapshot()).toEqual(before);
  });

  test("a bad, missing or stale signature is refused and nothing is written", async () => {
    const f = await sentMessage();
    const body = JSON.stringify([event("spamreport", f)]);
    const before = await snapshot();

    const otherKey = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    const forged = await post(body, signed(body, otherKey));
    expect(forged.status).toBe(403);
    expect((await forged.json()).error).toMatch(/signature does not match/);

    const tampered = await post(body.replace("spamreport", "delivered"), signed(body));
    expect(tampered.status).toBe(403);

    const missing = await post(body, {});
    expect(missing.status).toBe(401);
    expect((await missing.json()).error).toMatch(/signature missing/);

    const stale = await post(body, signed(body, sendgridKey, String(nowS() - 3600)));
    expect(stale.status).toBe(403);
    expect((await stale.json()).error).toMatch(/replay/);

    expect(await snapshot()).toEqual(before);
  });

  test("a malformed body is a 400 naming the problem; an oversized one a 413", async () => {
    const before = await snapshot();
    const notArray = JSON.stringify({ event: "delivered" });
    const res = await post(notArray, signed(notArray));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/not a JSON array/);

    const badEvent = JSON.stringify([{ event: "delivered", email: "x@example.com", timestamp: "yesterday" }]);
    const bad = await post(badEvent, signed(badEvent));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/event 0: (sg_event_id|timestamp)/);

    const huge = JSON.stringify([{ padding: "x".repeat(1024 * 1024) }]);
    const tooLarge = await post(huge, signed(huge));
    expect(tooLarge.status).toBe(413);
    expect((await tooLarge.json()).error).toMatch(/larger than 1048576 bytes/);

    // without a Content-Length (chunked), the size is counted as the body arrives
    const chunks = [Buffer.from("["), Buffer.alloc(2 * 1024 * 1024, 0x20), Buffer.from("]")];
    const chunked = await fetch(`${server.url}/sendgrid/events`, {
      method: "POST",
      headers: { "content-type": "application/json", ...signed("[]") },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    expect(chunked.status).toBe(413);
    await chunked.arrayBuffer();

    // the server keeps answering after refusing big bodies
    const empty = await post("[]", signed("[]"));
    expect(await empty.json()).toEqual({ applied: 0, ignored: 0, duplicates: 0 });

    expect(await snapshot()).toEqual(before);
  });

  test("without SENDGRID_WEBHOOK_PUBLIC_KEY the endpoint answers 503 (SendGrid retries) and writes nothing", async () => {
    const f = await sentMessage();
    const body = JSON.stringify([event("spamreport", f)]);
    const before = await snapshot();
    const request = new Request("https://joren.test/sendgrid/events", { method: "POST", headers: signed(body), body });
    const res = await captureLogs(() => handleSendgridEventsRequest(request, { db: t.db, sendgridPublicKey: null }));
    expect(res.result.status).toBe(503);
    expect((await res.result.json()).error).toMatch(/SENDGRID_WEBHOOK_PUBLIC_KEY is not set/);
    expect(await snapshot()).toEqual(before);
  });

  test("GET is refused", async () => {
    const res = await fetch(`${server.url}/sendgrid/events`);
    expect(res.status).toBe(405);
  });
});

/** Runs `work` with warn-level logging, capturing the JSON log lines instead of printing them. */
async function captureLogs<T>(work: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const previous = process.env.JOREN_LOG_LEVEL;
  process.env.JOREN_LOG_LEVEL = "warn";
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk).trim());
    return true;
  });
  try {
    return { result: await work(), lines };
  } finally {
    spy.mockRestore();
    if (previous === undefined) delete process.env.JOREN_LOG_LEVEL;
    else process.env.JOREN_LOG_LEVEL = previous;
  }
}

describe("unsubscribeByMessage", () => {
  test("writes UNSUBSCRIBED back to Shopify once, after the commit", async () => {
    const f = await sentMessage();
    const admin = createFakeAdminPort();
    const now = new Date();
    const first = await unsubscribeByMessage(t.db, {
      shopId,
      messageId: f.messageId,
      customerId: f.customerId,
      now,
      admin,
    });
    expect(first).toEqual({ shopFound: true, changed: true, consentChanged: true, shopifySync: "synced" });
    expect(admin.consents.get(f.customerGid!)).toBe("UNSUBSCRIBED");

    const again = await unsubscribeByMessage(t.db, {
      shopId,
      messageId: f.messageId,
      customerId: f.customerId,
      now: new Date(),
      admin,
    });
    expect(again).toEqual({ shopFound: true, changed: false, consentChanged: false, shopifySync: "not_needed" });
    expect(admin.calls.filter((c) => c.op === "updateEmailConsent")).toHaveLength(1);
    const customer = await t.db.customer.findUniqueOrThrow({ where: { id: f.customerId } });
    expect(customer).toMatchObject({
      emailConsent: "UNSUBSCRIBED",
      emailConsentAt: now,
      emailConsentSource: UNSUBSCRIBE_SOURCE,
    });
  });

  test("a failed write-back keeps the unsubscribe and marks it for a later sync", async () => {
    const f = await sentMessage();
    const admin = createFakeAdminPort();
    admin.failNext("updateEmailConsent");
    const logged = await captureLogs(() =>
      unsubscribeByMessage(t.db, { shopId, messageId: f.messageId, customerId: f.customerId, now: new Date(), admin }),
    );
    expect(logged.result).toMatchObject({ changed: true, shopifySync: "pending" });
    // logged with ids only
    expect(logged.lines).toEqual([expect.stringContaining("marked for a later sync")]);
    expect(logged.lines[0]).toContain(f.customerId);
    expect(logged.lines[0]!.toLowerCase()).not.toContain(f.email.toLowerCase());
    expect(logged.lines[0]).not.toContain(f.customerGid!);
    expect(admin.consents.size).toBe(0);
    const customer = await t.db.customer.findUniqueOrThrow({ where: { id: f.customerId } });
    expect(customer).toMatchObject({
      emailConsent: "UNSUBSCRIBED",
      emailConsentSource: UNSUBSCRIBE_PENDING_SYNC_SOURCE,
    });
    expect(await t.db.suppression.count({ where: { shopId, emailNormalized: f.email.toLowerCase() } })).toBe(1);

    // an Admin API port that cannot even be had is the same
    const g = await sentMessage();
    const unavailable = await captureLogs(() =>
      unsubscribeByMessage(t.db, {
        shopId,
        messageId: g.messageId,
        customerId: g.customerId,
        now: new Date(),
        admin: async () => {
          throw new Error("no offline session");
        },
      }),
    );
    expect(unavailable.result.shopifySync).toBe("pending");
    expect(unavailable.lines).toHaveLength(1);
  });

  test("a guest (no Shopify customer) is unsubscribed locally only", async () => {
    const f = await sentMessage({ gid: false });
    const admin = createFakeAdminPort();
    const result = await unsubscribeByMessage(t.db, {
      shopId,
      messageId: f.messageId,
      customerId: f.customerId,
      now: new Date(),
      admin,
    });
    expect(result).toMatchObject({ consentChanged: true, shopifySync: "not_needed" });
    expect(admin.calls).toEqual([]);
  });

  test("a token for a shop that is gone is answered without writing", async () => {
    const before = await snapshot();
    const result = await unsubscribeByMessage(t.db, {
      shopId: "gone",
      messageId: "m",
      customerId: "c",
      now: new Date(),
      admin: null,
    });
    expect(result).toEqual({ shopFound: false, changed: false, consentChanged: false, shopifySync: "not_needed" });
    expect(await snapshot()).toEqual(before);
  });
});

describe("recordMailEvents", () => {
  test("keeps the earliest time when events arrive out of order", async () => {
    const f = await sentMessage();
    const late = new Date("2026-05-01T10:00:00Z");
    const early = new Date("2026-05-01T09:00:00Z");
    await recordMailEvents(t.db, shopId, [{ eventId: "e-late", messageId: f.messageId, kind: "delivered", at: late }]);
    await recordMailEvents(t.db, shopId, [
      { eventId: "e-early", messageId: f.messageId, kind: "delivered", at: early },
    ]);
    await recordMailEvents(t.db, shopId, [
      { eventId: "e-later", messageId: f.messageId, kind: "delivered", at: new Date("2026-05-02T00:00:00Z") },
    ]);
    expect((await t.db.message.findUniqueOrThrow({ where: { id: f.messageId } })).deliveredAt).toEqual(early);
  });

  test("an event repeated inside one batch is stored once", async () => {
    const f = await sentMessage();
    const e = { eventId: "dup-1", messageId: f.messageId, kind: "open" as const, at: new Date() };
    expect(await recordMailEvents(t.db, shopId, [e, e])).toMatchObject({ applied: 1, duplicates: 1, ignored: 0 });
  });
});

describe("the Prisma outbox store", () => {
  function outgoing(f: Fixture, subject: string): OutgoingMessage {
    const links = linksFor(f);
    return {
      messageId: f.messageId,
      to: { email: f.email.trim() },
      from: { email: "news@tea.example", name: "Tea" },
      subject,
      html: "<p>Hello</p>",
      text: "Hello",
      headers: listUnsubscribeHeaders(links.unsubscribeUrl.replace(/^http:/, "https:")),
      customArgs: { shop_id: f.shopId, scenario: "welcome" },
    };
  }

  test("stores each message once: saving it again is a no-op", async () => {
    const f = await sentMessage();
    const outbox = createOutboxTransport(createPrismaOutboxStore(t.db, shopId));
    expect(await outbox.send([outgoing(f, "First")])).toEqual([
      { messageId: f.messageId, status: "sent", providerId: `outbox:${f.messageId}` },
    ]);
    expect(await outbox.send([outgoing(f, "Second")])).toEqual([
      { messageId: f.messageId, status: "sent", providerId: `outbox:${f.messageId}` },
    ]);
    const rows = await t.db.outboxEmail.findMany({ where: { messageId: f.messageId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ shopId, subject: "First", toEmail: f.email.trim(), fromName: "Tea" });
    expect(JSON.parse(rows[0]!.headers)).toMatchObject({
      customArgs: { joren_message_id: f.messageId, shop_id: shopId },
    });
  });
});

describe("the server's log", () => {
  test("has no errors and no addresses after everything above", () => {
    const output = server.output();
    expect(output).not.toMatch(/"level":"error"/);
    expect(output.toLowerCase()).not.toMatch(/[a-z0-9.]+@example\.com/);
  });
});
