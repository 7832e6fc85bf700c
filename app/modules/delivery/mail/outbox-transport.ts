// The LOCAL OUTBOX: the transport for development, the demo and tests. Nothing leaves the
// machine; rendered messages are stored (the admin lists and previews them) and reported as
// sent, after the same checks the SendGrid transport applies.
import { log } from "~/lib/log.server";
import { refusalsFor, type MailTransport, type OutgoingMessage, type SendResult } from "./transport";

export interface OutboxStore {
  save(messages: OutgoingMessage[]): Promise<void>;
}

// A failed save is retried by the engine, like a SendGrid outage: delayed, never lost.
const STORE_RETRY_MS = 5_000;

export function createOutboxTransport(store: OutboxStore): MailTransport {
  return {
    recordsDelivery: true,
    async send(batch: OutgoingMessage[]): Promise<SendResult[]> {
      const refusals = refusalsFor(batch);
      const valid = batch.filter((_, i) => refusals[i] === null);
      let saved = true;
      if (valid.length > 0) {
        try {
          await store.save(valid);
        } catch (error) {
          saved = false;
          log("warn", "outbox save failed; messages will be retried", { count: valid.length, error: String(error) });
        }
      }
      return batch.map((m, i): SendResult => {
        const refusal = refusals[i] ?? null;
        if (refusal !== null) return { messageId: m.messageId, status: "failed", error: refusal, permanent: true };
        if (!saved) return { messageId: m.messageId, status: "retry", retryAfterMs: STORE_RETRY_MS };
        return { messageId: m.messageId, status: "sent", providerId: `outbox:${m.messageId}` };
      });
    },
  };
}
