// The message ledger's named transitions (app/modules/engine/message-ledger.server.ts): each moves a
// row only from the state it expects and says whether it did, so a second, racing call is a no-op.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  AWAITING_PROVIDER_EVENTS,
  assignCoupon,
  claimForSending,
  confirmAwaitingSend,
  decideDue,
  deferSending,
  markFailed,
  markSent,
  planMessages,
  reschedulePlanned,
  settleInterrupted,
} from "~/modules/engine/message-ledger.server";
import { createTestDb, type TestDb } from "../helpers/db";

const T0 = new Date("2027-03-01T00:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

let t: TestDb;
let shopId: string;
let customerId: string;

beforeEach(async () => {
  t = await createTestDb();
  shopId = (await t.db.shop.create({ data: { domain: "ledger-owner.myshopify.com" } })).id;
  customerId = (
    await t.db.customer.create({ data: { shopId, gid: "gid://shopify/Customer/1", email: "a@example.jp" } })
  ).id;
});

afterEach(async () => {
  await t.close();
});

async function planned(triggerKey: string): Promise<string> {
  await planMessages(t.db, shopId, "welcome", [
    { customerId, triggerKey, dueAt: at(0), latestUsefulAt: null, data: { since: T0.toISOString() } },
  ]);
  return (await t.db.message.findFirstOrThrow({ where: { shopId, triggerKey } })).id;
}

const row = (id: string) => t.db.message.findUniqueOrThrow({ where: { id } });

describe("message ledger transitions", () => {
  test("planning the same trigger twice keeps one row; only a planned row is rescheduled", async () => {
    const id = await planned("welcome:1");
    expect(
      await planMessages(t.db, shopId, "welcome", [
        { customerId, triggerKey: "welcome:1", dueAt: at(5), latestUsefulAt: null, data: { since: T0.toISOString() } },
      ]),
    ).toBe(0);
    expect(await reschedulePlanned(t.db, id, at(10), at(60))).toBe(true);
    expect(await row(id)).toMatchObject({ status: "planned", dueAt: at(10), latestUsefulAt: at(60) });
    expect(await decideDue(t.db, shopId, [id], { status: "skipped", reason: "scenario is off" })).toBe(1);
    expect(await reschedulePlanned(t.db, id, at(20), null)).toBe(false);
    expect(await row(id)).toMatchObject({ status: "skipped", dueAt: at(10) });
  });

  test("a decided row is not decided again, and cannot be claimed", async () => {
    const id = await planned("welcome:1");
    expect(await decideDue(t.db, shopId, [id], { status: "held_out", reason: "control group" })).toBe(1);
    expect(await decideDue(t.db, shopId, [id], { status: "skipped", reason: "late" })).toBe(0);
    expect(await row(id)).toMatchObject({ status: "held_out", holdout: true, reason: "control group" });
    expect(await claimForSending(t.db, shopId, [id], "w1", at(10))).toEqual(new Set());
  });

  test("a claimed row is won by one worker; only a sending row is sent, deferred or failed", async () => {
    const id = await planned("welcome:1");
    expect(await claimForSending(t.db, shopId, [id], "w1", at(10))).toEqual(new Set([id]));
    expect(await claimForSending(t.db, shopId, [id], "w2", at(10))).toEqual(new Set());
    expect(await assignCoupon(t.db, id, "JOREN-AAAA")).toBe(true);
    expect(await assignCoupon(t.db, id, "JOREN-BBBB")).toBe(false);
    const details = {
      id,
      email: "a@example.jp",
      locale: "ja",
      subject: "ようこそ",
      couponCode: "JOREN-AAAA",
      incentive: null,
      providerId: "p1",
      reason: null,
    };
    expect(await markSent(t.db, shopId, [details], at(1))).toBe(1);
    expect(await row(id)).toMatchObject({
      status: "sent",
      sentAt: at(1),
      claimedBy: null,
      couponCode: "JOREN-AAAA",
      subject: "ようこそ",
      attempts: 1,
    });
    expect(await markSent(t.db, shopId, [details], at(2))).toBe(0);
    expect(await deferSending(t.db, id, "busy", at(30))).toBe(false);
    expect(await markFailed(t.db, id, "refused")).toBe(false);
    expect(await row(id)).toMatchObject({ status: "sent", sentAt: at(1) });
  });

  test("deferred and failed leave sending with their reason; a deferred row can be claimed again", async () => {
    const a = await planned("welcome:1");
    const b = await planned("welcome:2");
    await claimForSending(t.db, shopId, [a, b], "w1", at(10));
    expect(await deferSending(t.db, a, "mail provider unavailable; retrying", at(30))).toBe(true);
    expect(await markFailed(t.db, b, "refused")).toBe(true);
    expect(await row(a)).toMatchObject({ status: "deferred", deferredUntil: at(30), claimedBy: null });
    expect(await row(b)).toMatchObject({ status: "failed", reason: "refused", claimedBy: null });
    expect(await claimForSending(t.db, shopId, [a, b], "w2", at(40))).toEqual(new Set([a]));
  });

  test("an interrupted send is settled only under the claim it was found with", async () => {
    const id = await planned("welcome:1");
    await claimForSending(t.db, shopId, [id], "w1", at(10));
    expect(await settleInterrupted(t.db, id, "w-other", { to: "failed", reason: "x" })).toBe(false);
    expect(
      await settleInterrupted(t.db, id, "w1", { to: "awaiting-provider-events", reason: "waiting", until: at(70) }),
    ).toBe(true);
    expect(await row(id)).toMatchObject({
      status: "sending",
      claimedBy: AWAITING_PROVIDER_EVENTS,
      claimedUntil: at(70),
    });
    expect(await confirmAwaitingSend(t.db, id, "seen", at(15))).toBe(true);
    expect(await row(id)).toMatchObject({ status: "sent", sentAt: at(15), reason: "seen", claimedBy: null });
    expect(await confirmAwaitingSend(t.db, id, "seen", at(16))).toBe(false);
  });
});
