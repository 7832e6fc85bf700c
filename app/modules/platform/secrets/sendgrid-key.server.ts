// A shop's own SendGrid API key, encrypted at rest (Shop.sendgridKeyEncrypted).
//
// AES-256-GCM, a random 96-bit IV per write, the shop id as additional authenticated data (a
// ciphertext copied onto another shop's row does not decrypt), stored as
// "v1.<iv>.<tag>.<ciphertext>" in base64url so the format can change without guessing.
// The key is JOREN_ENCRYPTION_KEY (32 bytes as 64 hex characters or base64); without it, one
// derived from SHOPIFY_API_SECRET with HKDF-SHA256 (its own `info`, so it is never the key that
// signs email links). Rotating either invalidates the stored keys: merchants re-enter them.
//
// Fails closed: a stored key that does not decrypt (wrong JOREN_ENCRYPTION_KEY, tampered row) is
// an error, never a silent fall back to the app-wide SENDGRID_API_KEY — that would send the
// shop's mail from another account. The plain key is never logged nor put in an error message.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { Db, Tx } from "~/db.server";

const FORMAT_VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HKDF_INFO = "joren-secrets-at-rest";
// SendGrid keys are "SG.<id>.<secret>", 69 characters today; the bound only stops absurd input.
const MAX_KEY_LENGTH = 512;
const SENDGRID_KEY_SHAPE = /^SG\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type SecretEnv = Readonly<Record<string, string | undefined>>;

/** Bad input from the merchant: message in English and Japanese, saying what to do. */
export class SendgridKeyInputError extends Error {
  override readonly name = "SendgridKeyInputError";
  constructor(
    message: string,
    readonly messageJa: string,
  ) {
    super(message);
  }
}

/** The stored key cannot be read with this server's encryption key. */
export class SendgridKeyDecryptError extends Error {
  override readonly name = "SendgridKeyDecryptError";
}

/** No encryption key can be had (neither JOREN_ENCRYPTION_KEY nor SHOPIFY_API_SECRET), or it is malformed. */
export class EncryptionKeyError extends Error {
  override readonly name = "EncryptionKeyError";
}

/** The 32-byte data key from JOREN_ENCRYPTION_KEY, or derived from SHOPIFY_API_SECRET. */
export function encryptionKey(env: SecretEnv = process.env): Buffer {
  const explicit = env.JOREN_ENCRYPTION_KEY?.trim();
  if (explicit) {
    const key = /^[0-9a-fA-F]{64}$/.test(explicit) ? Buffer.from(explicit, "hex") : Buffer.from(explicit, "base64");
    if (key.length !== KEY_BYTES) {
      throw new EncryptionKeyError(
        `JOREN_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64 (e.g. \`openssl rand -hex 32\`); it decodes to ${key.length} bytes`,
      );
    }
    return key;
  }
  const apiSecret = env.SHOPIFY_API_SECRET?.trim();
  if (!apiSecret) {
    throw new EncryptionKeyError(
      "no key to encrypt secrets with: set JOREN_ENCRYPTION_KEY (`openssl rand -hex 32`) or SHOPIFY_API_SECRET",
    );
  }
  return Buffer.from(hkdfSync("sha256", apiSecret, "", HKDF_INFO, KEY_BYTES));
}

function aad(shopId: string): Buffer {
  return Buffer.from(`joren:sendgrid-key:${FORMAT_VERSION}:${shopId}`, "utf8");
}

export function encryptSecret(plain: string, shopId: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(shopId));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [
    FORMAT_VERSION,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    body.toString("base64url"),
  ].join(".");
}

export function decryptSecret(stored: string, shopId: string, key: Buffer): string {
  const [version, ivText, tagText, bodyText, ...rest] = stored.split(".");
  if (
    version !== FORMAT_VERSION ||
    rest.length > 0 ||
    ivText === undefined ||
    tagText === undefined ||
    bodyText === undefined
  ) {
    throw new SendgridKeyDecryptError(
      `the stored SendGrid key has an unknown format (${JSON.stringify(version)}); re-enter the key in Settings`,
    );
  }
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SendgridKeyDecryptError("the stored SendGrid key is damaged; re-enter the key in Settings");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(shopId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(bodyText, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SendgridKeyDecryptError(
      "the stored SendGrid key cannot be decrypted with this server's JOREN_ENCRYPTION_KEY (was it changed?); restore the previous key or re-enter the SendGrid key in Settings",
    );
  }
}

/** Trims and checks the shape, so a typo is caught when it is entered and not at the first send. */
export function normalizeSendgridKey(plainKey: string): string {
  const key = plainKey.trim();
  if (key.length === 0) {
    throw new SendgridKeyInputError(
      "Enter a SendGrid API key, or remove the key to use the app's default.",
      "SendGrid の API キーを入力してください（アプリ既定のキーを使う場合はキーを削除してください）。",
    );
  }
  if (key.length > MAX_KEY_LENGTH || !SENDGRID_KEY_SHAPE.test(key)) {
    throw new SendgridKeyInputError(
      'This is not a SendGrid API key: it starts with "SG." and has two dots. Copy it again from SendGrid → Settings → API Keys (Mail Send permission).',
      "SendGrid の API キーの形式ではありません（「SG.」で始まり、ドットを 2 つ含みます）。SendGrid の Settings → API Keys（Mail Send 権限）から再度コピーしてください。",
    );
  }
  return key;
}

/** Stores the shop's key encrypted; null removes it (the app-wide SENDGRID_API_KEY applies again). */
export async function saveSendgridKey(
  db: Db | Tx,
  shopId: string,
  plainKey: string | null,
  env: SecretEnv = process.env,
): Promise<void> {
  const sendgridKeyEncrypted =
    plainKey === null ? null : encryptSecret(normalizeSendgridKey(plainKey), shopId, encryptionKey(env));
  await db.shop.update({ where: { id: shopId }, data: { sendgridKeyEncrypted } });
}

/**
 * Whether the shop has its own key, and its last four characters for the Settings page.
 * A key this server cannot decrypt shows as configured with last4 null (re-enter it).
 */
export async function sendgridKeyStatus(
  db: Db | Tx,
  shopId: string,
  env: SecretEnv = process.env,
): Promise<{ configured: boolean; last4: string | null }> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { sendgridKeyEncrypted: true } });
  if (!shop?.sendgridKeyEncrypted) return { configured: false, last4: null };
  try {
    return { configured: true, last4: decryptSecret(shop.sendgridKeyEncrypted, shopId, encryptionKey(env)).slice(-4) };
  } catch (error) {
    if (error instanceof SendgridKeyDecryptError) return { configured: true, last4: null };
    throw error;
  }
}

/** The shop's plain key, or null when it has none. Throws SendgridKeyDecryptError when it cannot be read. */
export async function loadSendgridKey(
  db: Db | Tx,
  shopId: string,
  env: SecretEnv = process.env,
): Promise<string | null> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { sendgridKeyEncrypted: true } });
  if (!shop?.sendgridKeyEncrypted) return null;
  return decryptSecret(shop.sendgridKeyEncrypted, shopId, encryptionKey(env));
}
