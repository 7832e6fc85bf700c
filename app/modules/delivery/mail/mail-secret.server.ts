// The secret that signs the tokens in email links (tokens.ts). JOREN_MAIL_TOKEN_SECRET when the
// operator sets one; otherwise a key derived from SHOPIFY_API_SECRET with HKDF-SHA256, so a fresh
// install works without another variable and the client secret itself never signs links.
// Rotating the secret (or the client secret, without JOREN_MAIL_TOKEN_SECRET) invalidates every
// link in mail already sent, unsubscribe links included: set JOREN_MAIL_TOKEN_SECRET before
// rotating the client secret.
import { hkdfSync } from "node:crypto";

export const MAIL_TOKEN_SECRET_MIN_LENGTH = 32;
const HKDF_INFO = "joren-mail-tokens";
const HKDF_SALT = "";
const DERIVED_KEY_BYTES = 32;

export class MailSecretError extends Error {
  override readonly name = "MailSecretError";
}

export type MailSecretEnv = Readonly<Record<string, string | undefined>>;

/** The token secret (at least 32 characters). Throws MailSecretError when none can be had. */
export function mailTokenSecret(env: MailSecretEnv = process.env): string {
  const explicit = env.JOREN_MAIL_TOKEN_SECRET?.trim();
  if (explicit) {
    if (explicit.length < MAIL_TOKEN_SECRET_MIN_LENGTH) {
      throw new MailSecretError(
        `JOREN_MAIL_TOKEN_SECRET is ${explicit.length} characters long; it must be at least ${MAIL_TOKEN_SECRET_MIN_LENGTH} (e.g. \`openssl rand -hex 32\`)`,
      );
    }
    return explicit;
  }
  const apiSecret = env.SHOPIFY_API_SECRET?.trim();
  if (!apiSecret) {
    throw new MailSecretError(
      "no secret to sign email links with: set JOREN_MAIL_TOKEN_SECRET (at least 32 characters) or SHOPIFY_API_SECRET",
    );
  }
  return Buffer.from(hkdfSync("sha256", apiSecret, HKDF_SALT, HKDF_INFO, DERIVED_KEY_BYTES)).toString("hex");
}
