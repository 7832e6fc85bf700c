// SendGrid's Signed Event Webhook, signed here exactly as SendGrid signs: ECDSA P-256 over
// timestamp + raw body, DER signature in base64, public key as base64 DER SPKI.
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  MAX_EVENTS,
  parseSendgridEvents,
  SendgridEventsError,
  verifySendgridSignature,
  type NormalizedMailEvent,
} from "~/modules/tracking/sendgrid-events.server";

function keyPair(): { privateKey: KeyObject; publicKeyBase64: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return { privateKey, publicKeyBase64: publicKey.export({ format: "der", type: "spki" }).toString("base64") };
}

function sendgridSign(privateKey: KeyObject, timestamp: string, body: string): string {
  return sign("sha256", Buffer.from(timestamp + body, "utf8"), { key: privateKey, dsaEncoding: "der" }).toString(
    "base64",
  );
}

const BODY = readFileSync(path.resolve("tests/fixtures/sendgrid/events.json"), "utf8");
const NOW = new Date("2026-05-01T00:05:00Z");
const TIMESTAMP = String(Math.floor(NOW.getTime() / 1000) - 60);
const { privateKey, publicKeyBase64 } = keyPair();
const SIGNATURE = sendgridSign(privateKey, TIMESTAMP, BODY);

describe("verifySendgridSignature", () => {
  test("a body signed like SendGrid signs it verifies", () => {
    expect(verifySendgridSignature(publicKeyBase64, SIGNATURE, TIMESTAMP, BODY, NOW)).toEqual({ ok: true });
    expect(verifySendgridSignature(publicKeyBase64, SIGNATURE, TIMESTAMP, Buffer.from(BODY), NOW)).toEqual({
      ok: true,
    });
  });

  test("the PEM form of the key is accepted too", () => {
    const pem = `-----BEGIN PUBLIC KEY-----\n${publicKeyBase64.match(/.{1,64}/g)?.join("\n")}\n-----END PUBLIC KEY-----\n`;
    expect(verifySendgridSignature(pem, SIGNATURE, TIMESTAMP, BODY, NOW)).toEqual({ ok: true });
  });

  test("a tampered body is rejected", () => {
    const tampered = BODY.replace("hana@example.com", "eve@example.com");
    expect(verifySendgridSignature(publicKeyBase64, SIGNATURE, TIMESTAMP, tampered, NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(verifySendgridSignature(publicKeyBase64, SIGNATURE, TIMESTAMP, BODY + " ", NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  test("a changed timestamp is rejected (it is part of what is signed)", () => {
    const other = String(Number(TIMESTAMP) + 1);
    expect(verifySendgridSignature(publicKeyBase64, SIGNATURE, other, BODY, NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  test("another key's signature is rejected", () => {
    const other = keyPair();
    expect(verifySendgridSignature(other.publicKeyBase64, SIGNATURE, TIMESTAMP, BODY, NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    const forged = sendgridSign(other.privateKey, TIMESTAMP, BODY);
    expect(verifySendgridSignature(publicKeyBase64, forged, TIMESTAMP, BODY, NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  test("a timestamp older than 10 minutes is a replay", () => {
    const old = String(Math.floor(NOW.getTime() / 1000) - 601);
    const signature = sendgridSign(privateKey, old, BODY);
    expect(verifySendgridSignature(publicKeyBase64, signature, old, BODY, NOW)).toEqual({ ok: false, reason: "stale" });
    const edge = String(Math.floor(NOW.getTime() / 1000) - 600);
    expect(verifySendgridSignature(publicKeyBase64, sendgridSign(privateKey, edge, BODY), edge, BODY, NOW)).toEqual({
      ok: true,
    });
  });

  test("a timestamp far in the future is rejected too", () => {
    const future = String(Math.floor(NOW.getTime() / 1000) + 3600);
    expect(verifySendgridSignature(publicKeyBase64, sendgridSign(privateKey, future, BODY), future, BODY, NOW)).toEqual(
      { ok: false, reason: "stale" },
    );
  });

  test("missing and malformed headers", () => {
    expect(verifySendgridSignature(publicKeyBase64, null, TIMESTAMP, BODY, NOW)).toEqual({
      ok: false,
      reason: "missing",
    });
    expect(verifySendgridSignature(publicKeyBase64, SIGNATURE, "", BODY, NOW)).toEqual({
      ok: false,
      reason: "missing",
    });
    expect(verifySendgridSignature(publicKeyBase64, SIGNATURE, "12:00", BODY, NOW)).toEqual({
      ok: false,
      reason: "malformed",
    });
    expect(verifySendgridSignature(publicKeyBase64, "not base64!", TIMESTAMP, BODY, NOW)).toEqual({
      ok: false,
      reason: "malformed",
    });
    expect(verifySendgridSignature(publicKeyBase64, "AAAA", TIMESTAMP, BODY, NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  test("a body over 1 MB is refused before verifying", () => {
    const big = "[" + " ".repeat(1024 * 1024) + "]";
    expect(
      verifySendgridSignature(publicKeyBase64, sendgridSign(privateKey, TIMESTAMP, big), TIMESTAMP, big, NOW),
    ).toEqual({ ok: false, reason: "too_large" });
  });

  test("an unusable public key is a configuration error", () => {
    expect(() => verifySendgridSignature("bm90IGEga2V5", SIGNATURE, TIMESTAMP, BODY, NOW)).toThrow(/not a base64 DER/);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .publicKey.export({ format: "der", type: "spki" })
      .toString("base64");
    expect(() => verifySendgridSignature(rsa, SIGNATURE, TIMESTAMP, BODY, NOW)).toThrow(/not an EC key/);
  });
});

describe("parseSendgridEvents", () => {
  test("normalises every event kind Joren uses and skips the others", () => {
    const events = parseSendgridEvents(BODY);
    expect(events.map((e) => e.kind)).toEqual([
      "processed",
      "delivered",
      "open",
      "click",
      "bounce",
      "bounce",
      "dropped",
      "deferred",
      "spamreport",
      "unsubscribe",
      "unsubscribe",
      "delivered",
    ]);
    expect(events[0]).toEqual<NormalizedMailEvent>({
      eventId: "rbtnWrG1DVDGGGFHFyun0A==",
      messageId: "msg_1",
      shopId: "shop_1",
      kind: "processed",
      email: "hana@example.com",
      at: new Date(1777593600 * 1000),
    });
    expect(events[3]).toMatchObject({ kind: "click", url: "https://tea.example/products/sencha" });
    expect(events[4]).toMatchObject({ kind: "bounce", reason: "500 unknown recipient", bounceType: "bounce" });
    expect(events[5]).toMatchObject({ kind: "bounce", bounceType: "blocked" });
    expect(events[6]).toMatchObject({ kind: "dropped", reason: "Bounced Address" });
    expect(events[7]).toMatchObject({ kind: "deferred", reason: "400 try again later" });
    expect(events[10]).toMatchObject({ kind: "unsubscribe", messageId: "msg_6", shopId: "shop_2" });
    expect(events[10]).not.toHaveProperty("url");
    expect(events[11]).toMatchObject({ kind: "delivered", messageId: null, shopId: null });
  });

  test("an empty array is no events", () => {
    expect(parseSendgridEvents("[]")).toEqual([]);
  });

  function parseError(body: string): SendgridEventsError {
    try {
      parseSendgridEvents(body);
    } catch (error) {
      if (error instanceof SendgridEventsError) return error;
      throw error;
    }
    throw new Error("expected a SendgridEventsError");
  }

  test("a body that is not a JSON array is rejected", () => {
    expect(parseError("{").issues).toEqual(["body is not JSON"]);
    expect(parseError('{"event":"open"}').issues).toEqual(["body is not a JSON array of events"]);
  });

  test("malformed events are rejected, naming the event and the field", () => {
    const body = JSON.stringify([
      { event: "delivered", sg_event_id: "a", timestamp: 1777593600, email: "x@example.com" },
      { event: "open", timestamp: "yesterday", email: "x@example.com" },
      { event: "click", sg_event_id: "c", timestamp: 1777593600, email: "x@example.com" },
      "nonsense",
    ]);
    const error = parseError(body);
    expect(error.issues).toEqual([
      expect.stringMatching(/^event 1: sg_event_id: /),
      expect.stringMatching(/^event 1: timestamp: /),
      "event 2: url: a click event needs a url",
      expect.stringMatching(/^event 3: \(event\): /),
    ]);
    expect(error.message).toMatch(/^invalid SendGrid event payload: event 1: sg_event_id/);
  });

  test("more than 5,000 events are refused", () => {
    const event = { event: "delivered", sg_event_id: "a", timestamp: 1777593600, email: "x@example.com" };
    expect(parseSendgridEvents(JSON.stringify(Array.from({ length: MAX_EVENTS }, () => event)))).toHaveLength(
      MAX_EVENTS,
    );
    expect(parseError(JSON.stringify(Array.from({ length: MAX_EVENTS + 1 }, () => event))).issues).toEqual([
      "more than 5000 events",
    ]);
  });

  test("a body over 1 MB is refused", () => {
    expect(parseError("[" + " ".repeat(1024 * 1024) + "]").issues).toEqual(["body exceeds 1048576 bytes"]);
  });

  test("oversized fields are refused", () => {
    const body = JSON.stringify([{ event: "delivered", sg_event_id: "a", timestamp: 1, email: "x".repeat(400) }]);
    expect(parseError(body).issues).toEqual([expect.stringMatching(/^event 0: email: /)]);
  });
});
