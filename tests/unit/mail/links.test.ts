import { buildMessageLinks, linkBaseUrl } from "~/modules/delivery/mail/links.server";
import { mailTokenSecret, MailSecretError } from "~/modules/delivery/mail/mail-secret.server";
import { verifyToken } from "~/modules/delivery/mail/tokens";

const SECRET = "k".repeat(16) + "0123456789abcdef";
const NOW = new Date("2026-05-01T00:00:00Z");
const DAY = 24 * 3600;
const ids = { shopId: "shop_1", messageId: "msg_1", customerId: "cus_1" };

function links(appUrl = "https://joren.example", extra: { ttlDays?: number; unsubscribeTtlDays?: number } = {}) {
  return buildMessageLinks({ appUrl, secret: SECRET, ...ids, now: NOW, ...extra });
}

function tokenOf(url: string): string {
  const token = new URL(url).searchParams.get("t");
  if (!token) throw new Error(`no token in ${url}`);
  return token;
}

describe("buildMessageLinks", () => {
  test("each link is on its endpoint and verifies with its own kind only", () => {
    const l = links();
    const click = l.clickUrl("https://tea.example/products/sencha?variant=1");
    expect(new URL(l.unsubscribeUrl).pathname).toBe("/email/unsubscribe");
    expect(new URL(l.openPixelUrl).pathname).toBe("/email/open");
    expect(new URL(click).pathname).toBe("/email/click");

    expect(verifyToken(SECRET, tokenOf(l.unsubscribeUrl), NOW, "unsubscribe")).toMatchObject({
      kind: "unsubscribe",
      ...ids,
    });
    expect(verifyToken(SECRET, tokenOf(l.openPixelUrl), NOW, "open")).toMatchObject({ kind: "open", ...ids });
    expect(verifyToken(SECRET, tokenOf(click), NOW, "click")).toMatchObject({
      kind: "click",
      ...ids,
      url: "https://tea.example/products/sencha?variant=1",
    });

    expect(verifyToken(SECRET, tokenOf(l.unsubscribeUrl), NOW, "click")).toEqual({ error: "wrong_kind" });
    expect(verifyToken(SECRET, tokenOf(l.openPixelUrl), NOW, "unsubscribe")).toEqual({ error: "wrong_kind" });
    expect(verifyToken(SECRET, tokenOf(click), NOW, "open")).toEqual({ error: "wrong_kind" });
  });

  test("the query holds the token and nothing else (the destination is inside it)", () => {
    const click = new URL(links().clickUrl("https://tea.example/a?b=c"));
    expect([...click.searchParams.keys()]).toEqual(["t"]);
  });

  test("click and open links last ttlDays (60 by default); unsubscribe links a year", () => {
    const nowS = NOW.getTime() / 1000;
    const expOf = (url: string, kind: "unsubscribe" | "click" | "open") => {
      const payload = verifyToken(SECRET, tokenOf(url), NOW, kind);
      if ("error" in payload) throw new Error(payload.error);
      return payload.exp;
    };
    const l = links();
    expect(expOf(l.openPixelUrl, "open")).toBe(nowS + 60 * DAY);
    expect(expOf(l.clickUrl("https://tea.example/"), "click")).toBe(nowS + 60 * DAY);
    expect(expOf(l.unsubscribeUrl, "unsubscribe")).toBe(nowS + 365 * DAY);

    const short = links("https://joren.example", { ttlDays: 7, unsubscribeTtlDays: 30 });
    expect(expOf(short.openPixelUrl, "open")).toBe(nowS + 7 * DAY);
    expect(expOf(short.unsubscribeUrl, "unsubscribe")).toBe(nowS + 30 * DAY);
    expect(verifyToken(SECRET, tokenOf(short.openPixelUrl), new Date((nowS + 7 * DAY) * 1000), "open")).toEqual({
      error: "expired",
    });
  });

  test("an app URL with a path keeps it; a trailing slash is not doubled", () => {
    expect(links("https://joren.example/app/").unsubscribeUrl).toMatch(
      /^https:\/\/joren\.example\/app\/email\/unsubscribe\?t=/,
    );
    expect(linkBaseUrl("https://joren.example/")).toBe("https://joren.example");
  });

  test("http is accepted for 127.0.0.1 and localhost only", () => {
    expect(links("http://127.0.0.1:3000").openPixelUrl).toMatch(/^http:\/\/127\.0\.0\.1:3000\/email\/open\?t=/);
    expect(links("http://localhost:3000").openPixelUrl).toMatch(/^http:\/\/localhost:3000\/email\/open\?t=/);
    for (const url of [
      "http://joren.example",
      "http://10.0.0.1:3000",
      "http://localhost.joren.example",
      "ftp://joren.example",
    ]) {
      expect(() => links(url)).toThrow(/https/);
    }
    expect(() => links("not a url")).toThrow(/absolute URL/);
  });

  test("a click target that is not http(s) cannot be signed", () => {
    expect(() => links().clickUrl("javascript:alert(1)")).toThrow(/click token needs an http\(s\) url/);
  });
});

describe("mailTokenSecret", () => {
  test("JOREN_MAIL_TOKEN_SECRET wins when set", () => {
    expect(mailTokenSecret({ JOREN_MAIL_TOKEN_SECRET: SECRET, SHOPIFY_API_SECRET: "x" })).toBe(SECRET);
  });

  test("a short JOREN_MAIL_TOKEN_SECRET is refused, naming the variable", () => {
    expect(() => mailTokenSecret({ JOREN_MAIL_TOKEN_SECRET: "short", SHOPIFY_API_SECRET: "x" })).toThrow(
      /JOREN_MAIL_TOKEN_SECRET.*at least 32/,
    );
  });

  test("otherwise it is derived from SHOPIFY_API_SECRET: stable, 64 hex characters, not the secret itself", () => {
    const derived = mailTokenSecret({ SHOPIFY_API_SECRET: "shpss_client_secret" });
    expect(derived).toMatch(/^[0-9a-f]{64}$/);
    expect(mailTokenSecret({ SHOPIFY_API_SECRET: "shpss_client_secret", JOREN_MAIL_TOKEN_SECRET: "" })).toBe(derived);
    expect(mailTokenSecret({ SHOPIFY_API_SECRET: "another_secret" })).not.toBe(derived);
    expect(derived).not.toContain("shpss_client_secret");
  });

  test("neither variable: a clear error", () => {
    expect(() => mailTokenSecret({})).toThrow(MailSecretError);
    expect(() => mailTokenSecret({})).toThrow(/set JOREN_MAIL_TOKEN_SECRET.*or SHOPIFY_API_SECRET/);
  });
});
