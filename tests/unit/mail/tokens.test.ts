import { createHmac } from "node:crypto";
import { signToken, verifyToken, type TokenPayload } from "~/modules/delivery/mail/tokens";

const SECRET = "s".repeat(16) + "0123456789abcdef";
const OTHER_SECRET = "o".repeat(16) + "0123456789abcdef";
const NOW = new Date("2026-05-01T00:00:00Z");
const IN_A_WEEK = Math.floor(NOW.getTime() / 1000) + 7 * 24 * 3600;

const unsubscribe: TokenPayload = {
  kind: "unsubscribe",
  shopId: "shop_1",
  messageId: "msg_1",
  customerId: "cus_1",
  exp: IN_A_WEEK,
};
const click: TokenPayload = { ...unsubscribe, kind: "click", url: "https://shop.example/products/tea?variant=1" };

function flipLastChar(text: string): string {
  const last = text.at(-1) === "A" ? "B" : "A";
  return text.slice(0, -1) + last;
}

describe("signToken / verifyToken", () => {
  test("a signed token verifies to its payload", () => {
    expect(verifyToken(SECRET, signToken(SECRET, unsubscribe), NOW, "unsubscribe")).toEqual(unsubscribe);
    expect(verifyToken(SECRET, signToken(SECRET, click), NOW, "click")).toEqual(click);
  });

  test("tokens are URL-safe", () => {
    const token = signToken(SECRET, click);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
  });

  test("a tampered payload is a bad signature", () => {
    const [body, signature] = signToken(SECRET, unsubscribe).split(".");
    const forged = Buffer.from(JSON.stringify({ ...unsubscribe, customerId: "cus_2" })).toString("base64url");
    expect(verifyToken(SECRET, `${forged}.${signature}`, NOW, "unsubscribe")).toEqual({ error: "bad_signature" });
    expect(verifyToken(SECRET, `${flipLastChar(body!)}.${signature}`, NOW, "unsubscribe")).toEqual({
      error: "bad_signature",
    });
  });

  test("a tampered or truncated signature is a bad signature", () => {
    const [body, signature] = signToken(SECRET, unsubscribe).split(".");
    expect(verifyToken(SECRET, `${body}.${flipLastChar(signature!)}`, NOW, "unsubscribe")).toEqual({
      error: "bad_signature",
    });
    expect(verifyToken(SECRET, `${body}.${signature!.slice(0, 10)}`, NOW, "unsubscribe")).toEqual({
      error: "bad_signature",
    });
  });

  test("another secret's token is a bad signature", () => {
    expect(verifyToken(SECRET, signToken(OTHER_SECRET, unsubscribe), NOW, "unsubscribe")).toEqual({
      error: "bad_signature",
    });
  });

  test("an expired token is refused, up to the second", () => {
    const token = signToken(SECRET, unsubscribe);
    expect(verifyToken(SECRET, token, new Date(IN_A_WEEK * 1000 - 1), "unsubscribe")).toEqual(unsubscribe);
    expect(verifyToken(SECRET, token, new Date(IN_A_WEEK * 1000), "unsubscribe")).toEqual({ error: "expired" });
  });

  test("a token of another kind is refused", () => {
    expect(verifyToken(SECRET, signToken(SECRET, { ...unsubscribe, kind: "open" }), NOW, "unsubscribe")).toEqual({
      error: "wrong_kind",
    });
    expect(verifyToken(SECRET, signToken(SECRET, click), NOW, "unsubscribe")).toEqual({ error: "wrong_kind" });
  });

  test.each(["", "abc", "a.b.c", "not base64!.x", "x".repeat(5000)])("malformed token %#", (token) => {
    expect(verifyToken(SECRET, token, NOW, "unsubscribe")).toEqual({ error: "malformed" });
  });

  test("a correctly signed body that is not a payload is malformed", () => {
    const body = Buffer.from(JSON.stringify({ kind: "unsubscribe" })).toString("base64url");
    const [, signatureOfOther] = signToken(SECRET, unsubscribe).split(".");
    expect(verifyToken(SECRET, `${body}.${signatureOfOther}`, NOW, "unsubscribe")).toEqual({ error: "bad_signature" });
    // sign the bogus body the way signToken would, to reach the payload check
    const signature = createHmac("sha256", SECRET).update(body).digest("base64url");
    expect(verifyToken(SECRET, `${body}.${signature}`, NOW, "unsubscribe")).toEqual({ error: "malformed" });
  });

  test("signing refuses a weak secret and invalid payloads", () => {
    expect(() => signToken("short", unsubscribe)).toThrow(/at least 32/);
    expect(() => signToken(SECRET, { ...unsubscribe, kind: "click" })).toThrow(/click token needs/);
    expect(() => signToken(SECRET, { ...click, url: "javascript:alert(1)" })).toThrow(/click token needs/);
    expect(() => signToken(SECRET, { ...unsubscribe, url: "https://x.example" })).toThrow(/other kinds carry none/);
    expect(() => signToken(SECRET, { ...unsubscribe, shopId: "" })).toThrow(/invalid token payload/);
  });
});
