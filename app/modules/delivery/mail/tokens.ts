// Signed tokens in the links of every email (unsubscribe, click, open pixel). They are
// stateless so a link keeps working without a database lookup, and signed so nobody can
// unsubscribe someone else or turn a click link into an open redirect.
// Format: base64url(JSON payload) "." base64url(HMAC-SHA256(secret, first part)).
// A "confirm" token is the double opt-in link (ADR 0023): messageId and customerId both carry the
// OptInRequest's id, since the person has no customer row until they confirm.
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

export const TOKEN_KINDS = ["unsubscribe", "click", "open", "confirm"] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export interface TokenPayload {
  kind: TokenKind;
  shopId: string;
  messageId: string;
  customerId: string;
  /** the destination of a click token; absent for the other kinds */
  url?: string;
  /** expiry, Unix seconds */
  exp: number;
}

export type TokenError = "bad_signature" | "expired" | "malformed" | "wrong_kind";

// Longer than any token Joren signs (a click URL is capped at 2,000 characters): anything
// bigger is refused before hashing.
const MAX_TOKEN_LENGTH = 4096;
const MAX_URL_LENGTH = 2000;

const idSchema = z.string().min(1).max(200);
const payloadSchema = z
  .object({
    kind: z.enum(TOKEN_KINDS),
    shopId: idSchema,
    messageId: idSchema,
    customerId: idSchema,
    url: z.string().max(MAX_URL_LENGTH).optional(),
    exp: z.number().int().positive(),
  })
  .strict()
  .refine((p) => (p.kind === "click" ? p.url !== undefined && isHttpUrl(p.url) : p.url === undefined), {
    message: "a click token needs an http(s) url; other kinds carry none",
  });

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

function mac(secret: string, data: string): Buffer {
  return createHmac("sha256", secret).update(data, "utf8").digest();
}

function assertSecret(secret: string): void {
  // A short secret makes the HMAC guessable; refuse it loudly rather than sign weak links.
  if (secret.length < 32) throw new Error("token secret must be at least 32 characters");
}

export function signToken(secret: string, payload: TokenPayload): string {
  assertSecret(secret);
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success)
    throw new Error(`invalid token payload: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  const body = Buffer.from(JSON.stringify(parsed.data), "utf8").toString("base64url");
  return `${body}.${mac(secret, body).toString("base64url")}`;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function verifyToken(
  secret: string,
  token: string,
  now: Date,
  expectedKind: TokenKind,
): TokenPayload | { error: TokenError } {
  assertSecret(secret);
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return { error: "malformed" };
  const [body, signature, ...rest] = token.split(".");
  if (
    body === undefined ||
    signature === undefined ||
    rest.length > 0 ||
    !BASE64URL.test(body) ||
    !BASE64URL.test(signature)
  )
    return { error: "malformed" };

  const expected = mac(secret, body);
  const given = Buffer.from(signature, "base64url");
  // timingSafeEqual needs equal lengths; the length of a MAC is public, so checking it first leaks nothing.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { error: "bad_signature" };

  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { error: "malformed" };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return { error: "malformed" };
  if (parsed.data.kind !== expectedKind) return { error: "wrong_kind" };
  if (parsed.data.exp * 1000 <= now.getTime()) return { error: "expired" };
  return parsed.data;
}

export function isTokenError(result: TokenPayload | { error: TokenError }): result is { error: TokenError } {
  return "error" in result;
}
