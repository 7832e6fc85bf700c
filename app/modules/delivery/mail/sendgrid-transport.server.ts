// The production transport: SendGrid's v3 Mail Send API through @sendgrid/mail.
//
// Batching: messages whose content is identical (same sender, html, text and categories) share
// one request, one personalization each (its own recipient, subject, headers and custom args),
// at most 1,000 personalizations per request (SendGrid's limit). Rendered Joren emails carry
// per-recipient unsubscribe and click tokens in the body, so most requests hold a single
// personalization; the grouping still matters for identical sends and keeps the cap enforced.
//
// Outcomes: 2xx → sent. 429, 408 and 5xx → retried here with exponential backoff (honouring
// Retry-After / X-RateLimit-Reset); when attempts run out, or the server asks for a longer wait
// than we are willing to sleep, → "retry" so the engine re-queues (delayed, never lost). Other
// 4xx → failed, permanent, with SendGrid's messages. A connection that never reached SendGrid
// is retried like a 5xx; a connection lost after the request went out (timeout, reset) may or
// may not have been accepted, and SendGrid has no idempotency key, so it is reported as failed
// but not permanent and is never resent here (resending could deliver twice).
import { createHash } from "node:crypto";
import { MailService } from "@sendgrid/mail";
import { log } from "~/lib/log.server";
import { customArgsOf, refusalsFor, type MailTransport, type OutgoingMessage, type SendResult } from "./transport";
import { itemAt } from "~/lib/arrays";

export const MAX_PERSONALIZATIONS_PER_REQUEST = 1000;

export interface SendgridTransportOptions {
  apiKey: string;
  /** attempts per request, including the first (default 4) */
  maxAttempts?: number;
  /** first backoff delay, doubled on each retry (default 1 s) */
  baseDelayMs?: number;
  /** the longest wait spent inside send(); a longer server hint is handed to the engine (default 30 s) */
  maxDelayMs?: number;
  /** requests in flight at once (default 4) */
  concurrency?: number;
  /** per-request timeout (default 30 s) */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export type SendOutcome =
  | { kind: "sent"; providerId?: string }
  | { kind: "failed"; error: string; permanent: boolean }
  | { kind: "transient"; description: string; hintMs: number | null };

interface SendgridErrorBody {
  errors?: { message?: unknown; field?: unknown }[];
}

// Connection failures where the request provably never reached SendGrid: safe to resend.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

export function createSendgridTransport(options: SendgridTransportOptions): MailTransport {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;

  // Our own instance: the package's default export is a process-wide singleton.
  const mail = new MailService();
  mail.setApiKey(options.apiKey);
  mail.setTimeout(options.timeoutMs ?? 30_000);

  async function post(group: OutgoingMessage[]): Promise<SendOutcome> {
    const first = itemAt(group, 0, "message"); // groupIndexes makes no empty group
    try {
      const [response] = await mail.send({
        from: { email: first.from.email, name: first.from.name },
        personalizations: group.map((m) => ({
          to: [m.to.name ? { email: m.to.email, name: m.to.name } : { email: m.to.email }],
          subject: m.subject,
          headers: m.headers,
          customArgs: customArgsOf(m),
        })),
        // text/plain must precede text/html (SendGrid rejects the other order).
        text: first.text,
        html: first.html,
        ...(first.categories && first.categories.length > 0 ? { categories: first.categories } : {}),
        // Joren tracks clicks and opens with its own signed links and pixel, and owns the
        // unsubscribe link and List-Unsubscribe header; SendGrid's versions would rewrite our
        // links and add a second, conflicting unsubscribe.
        trackingSettings: {
          clickTracking: { enable: false, enableText: false },
          openTracking: { enable: false },
          subscriptionTracking: { enable: false },
        },
      });
      const providerId = headerValue(response.headers, "x-message-id");
      return providerId ? { kind: "sent", providerId } : { kind: "sent" };
    } catch (error) {
      return classifySendError(error, now());
    }
  }

  async function deliver(group: OutgoingMessage[]): Promise<{ results: SendResult[]; retryAfterMs: number | null }> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await post(group);
      if (outcome.kind === "sent") {
        return {
          results: group.map((m) => ({
            messageId: m.messageId,
            status: "sent",
            ...(outcome.providerId ? { providerId: outcome.providerId } : {}),
          })),
          retryAfterMs: null,
        };
      }
      if (outcome.kind === "failed") {
        return {
          results: group.map((m) => ({
            messageId: m.messageId,
            status: "failed",
            error: outcome.error,
            permanent: outcome.permanent,
          })),
          retryAfterMs: null,
        };
      }
      const delay = outcome.hintMs ?? Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      if (attempt >= maxAttempts || delay > maxDelayMs) {
        log("warn", "sendgrid: giving the batch back to the engine", {
          reason: outcome.description,
          attempt,
          retryAfterMs: delay,
          messages: group.length,
        });
        return {
          results: group.map((m) => ({ messageId: m.messageId, status: "retry", retryAfterMs: delay })),
          retryAfterMs: delay,
        };
      }
      log("info", "sendgrid: retrying", {
        reason: outcome.description,
        attempt,
        delayMs: delay,
        messages: group.length,
      });
      await sleep(delay);
    }
  }

  return {
    async send(batch: OutgoingMessage[]): Promise<SendResult[]> {
      const results: (SendResult | undefined)[] = new Array(batch.length);
      const refusals = refusalsFor(batch);
      const valid: number[] = [];
      batch.forEach((m, i) => {
        const refusal = refusals[i] ?? null;
        if (refusal === null) valid.push(i);
        else results[i] = { messageId: m.messageId, status: "failed", error: refusal, permanent: true };
      });

      const requests = groupIndexes(valid.map((i) => itemAt(batch, i, "message"))).map((group) =>
        group.map((k) => itemAt(valid, k, "message")),
      );
      let next = 0;
      // Once SendGrid is throttling or down, the requests not yet made are handed back untried.
      let backOffMs: number | null = null;
      async function worker(): Promise<void> {
        while (next < requests.length) {
          const indexes = itemAt(requests, next++, "request");
          const group = indexes.map((i) => itemAt(batch, i, "message"));
          const outcome =
            backOffMs === null
              ? await deliver(group)
              : {
                  results: group.map((m): SendResult => ({
                    messageId: m.messageId,
                    status: "retry",
                    retryAfterMs: backOffMs ?? 0,
                  })),
                  retryAfterMs: backOffMs,
                };
          if (outcome.retryAfterMs !== null) backOffMs = Math.max(backOffMs ?? 0, outcome.retryAfterMs);
          outcome.results.forEach((r, k) => (results[itemAt(indexes, k, "message")] = r));
        }
      }
      await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
      return results.map(
        (r, i) =>
          r ?? {
            messageId: itemAt(batch, i, "message").messageId,
            status: "retry",
            retryAfterMs: backOffMs ?? baseDelayMs,
          },
      );
    },
  };
}

/** Messages grouped by identical content, each group cut into requests of ≤ 1,000 personalizations. */
export function groupForRequests(messages: OutgoingMessage[]): OutgoingMessage[][] {
  return groupIndexes(messages).map((group) => group.map((i) => itemAt(messages, i, "message")));
}

function groupIndexes(messages: OutgoingMessage[]): number[][] {
  const groups = new Map<string, number[]>();
  messages.forEach((m, i) => {
    const key = createHash("sha256")
      .update(JSON.stringify([m.from.email, m.from.name, m.html, m.text, m.categories ?? []]))
      .digest("hex");
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  const requests: number[][] = [];
  for (const group of groups.values()) {
    // A recipient appears at most once per request: SendGrid may merge or refuse repeats.
    const chunks: { indexes: number[]; recipients: Set<string> }[] = [];
    for (const i of group) {
      const recipient = itemAt(messages, i, "message").to.email.trim().toLowerCase();
      let chunk = chunks.find(
        (c) => c.indexes.length < MAX_PERSONALIZATIONS_PER_REQUEST && !c.recipients.has(recipient),
      );
      if (!chunk) {
        chunk = { indexes: [], recipients: new Set() };
        chunks.push(chunk);
      }
      chunk.indexes.push(i);
      chunk.recipients.add(recipient);
    }
    requests.push(...chunks.map((c) => c.indexes));
  }
  return requests;
}

export function classifySendError(error: unknown, nowMs: number): SendOutcome {
  if (!(error instanceof Error))
    return { kind: "failed", error: `unexpected rejection: ${String(error)}`, permanent: false };
  const fields = error as Error & {
    code?: unknown;
    response?: { headers?: unknown; body?: unknown };
    isAxiosError?: unknown;
  };

  if (typeof fields.code === "number" && fields.response) {
    const status = fields.code;
    const headers = fields.response.headers;
    if (status === 429 || status === 408 || status >= 500) {
      return { kind: "transient", description: `HTTP ${status}`, hintMs: retryHintMs(headers, nowMs) };
    }
    return {
      kind: "failed",
      error: `SendGrid ${status}: ${errorMessages(fields.response.body) || error.message || "request refused"}`,
      permanent: true,
    };
  }

  if (fields.isAxiosError === true) {
    const code = typeof fields.code === "string" ? fields.code : "unknown";
    if (NOT_SENT_CODES.has(code))
      return { kind: "transient", description: `connection failed (${code})`, hintMs: null };
    return {
      kind: "failed",
      error: `outcome unknown, connection lost after sending (${code}): ${error.message}`,
      permanent: false,
    };
  }

  // Thrown by @sendgrid/helpers while building the request: nothing was sent, and the same
  // message would fail the same way again.
  return { kind: "failed", error: `could not build the SendGrid request: ${error.message}`, permanent: true };
}

function errorMessages(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 500);
  const errors = (body as SendgridErrorBody | null)?.errors;
  if (!Array.isArray(errors)) return "";
  return errors
    .map((e) => {
      const message = typeof e.message === "string" ? e.message : "";
      return typeof e.field === "string" && e.field ? `${message} (${e.field})` : message;
    })
    .filter(Boolean)
    .join("; ");
}

function headerValue(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== "object") return null;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === "string" || typeof first === "number") return String(first);
  }
  return null;
}

/** The wait SendGrid asks for: Retry-After (seconds or HTTP date), else X-RateLimit-Reset (Unix seconds). */
export function retryHintMs(headers: unknown, nowMs: number): number | null {
  const retryAfter = headerValue(headers, "retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const reset = headerValue(headers, "x-ratelimit-reset")?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - nowMs);
  return null;
}
