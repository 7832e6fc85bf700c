import { listUnsubscribeHeaders } from "~/modules/delivery/mail/headers";
import { createOutboxTransport } from "~/modules/delivery/mail/outbox-transport";
import type { OutgoingMessage } from "~/modules/delivery/mail/transport";

function message(n: number, overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    messageId: `msg_${n}`,
    to: { email: `c${n}@example.com` },
    from: { email: "news@tea.example", name: "Tea" },
    subject: "Hello",
    html: "<p>Hello</p>",
    text: "Hello",
    headers: listUnsubscribeHeaders(`https://joren.example/u?t=${n}`),
    customArgs: { shop_id: "shop_1", scenario: "welcome" },
    ...overrides,
  };
}

describe("the local outbox transport", () => {
  test("stores the messages and reports them sent", async () => {
    const saved: OutgoingMessage[][] = [];
    const outbox = createOutboxTransport({ save: async (messages) => void saved.push(messages) });
    const batch = [message(1), message(2)];
    expect(await outbox.send(batch)).toEqual([
      { messageId: "msg_1", status: "sent", providerId: "outbox:msg_1" },
      { messageId: "msg_2", status: "sent", providerId: "outbox:msg_2" },
    ]);
    expect(saved).toEqual([batch]);
  });

  test("refuses what SendGrid's transport would refuse, and stores the rest", async () => {
    const saved: OutgoingMessage[] = [];
    const outbox = createOutboxTransport({ save: async (messages) => void saved.push(...messages) });
    const results = await outbox.send([
      message(1, { headers: {} }),
      message(2),
      message(3, { subject: "a\r\nBcc: x@example.com" }),
      // a sender name stored before settings refused line breaks must not reach the From header
      message(4, { from: { email: "news@tea.example", name: "Tea\r\nBcc: x@example.com" } }),
    ]);
    expect(results).toEqual([
      {
        messageId: "msg_1",
        status: "failed",
        permanent: true,
        error: "List-Unsubscribe and List-Unsubscribe-Post headers are required",
      },
      { messageId: "msg_2", status: "sent", providerId: "outbox:msg_2" },
      { messageId: "msg_3", status: "failed", permanent: true, error: "subject contains a line break" },
      {
        messageId: "msg_4",
        status: "failed",
        permanent: true,
        error: "sender name contains a line break or control character",
      },
    ]);
    expect(saved.map((m) => m.messageId)).toEqual(["msg_2"]);
  });

  test("only a transactional message (the double opt-in confirmation) may go without the unsubscribe headers, and only both of them count", async () => {
    const outbox = createOutboxTransport({ save: async () => {} });
    const oneHeader = { "List-Unsubscribe": "<https://joren.example/u>" };
    expect(
      (
        await outbox.send([
          message(1, { headers: {}, transactional: true }),
          message(2, { headers: oneHeader }),
          message(3, { headers: {}, transactional: false }),
        ])
      ).map((r) => r.status),
    ).toEqual(["sent", "failed", "failed"]);
  });

  test("a failed save is a retry, never a loss", async () => {
    const outbox = createOutboxTransport({
      save: async () => {
        throw new Error("database is locked");
      },
    });
    expect(await outbox.send([message(1)])).toEqual([{ messageId: "msg_1", status: "retry", retryAfterMs: 5000 }]);
  });

  test("nothing to save, no save", async () => {
    let calls = 0;
    const outbox = createOutboxTransport({ save: async () => void calls++ });
    expect(await outbox.send([])).toEqual([]);
    expect(calls).toBe(0);
  });
});
