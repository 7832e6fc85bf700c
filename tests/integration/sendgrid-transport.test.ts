// The SendGrid transport against msw at the real Mail Send endpoint: request shape, batching
// under the 1,000-personalization cap, retries, and SendGrid's error answers.
import { readFileSync } from "node:fs";
import path from "node:path";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { listUnsubscribeHeaders } from "~/modules/delivery/mail/headers";
import {
  classifySendError,
  createSendgridTransport,
  groupForRequests,
  retryHintMs,
  type SendgridTransportOptions,
} from "~/modules/delivery/mail/sendgrid-transport.server";
import type { OutgoingMessage } from "~/modules/delivery/mail/transport";
import { only } from "../helpers/must";

const ENDPOINT = "https://api.sendgrid.com/v3/mail/send";
const API_KEY = "SG.test-key.0123456789";

interface SendgridBody {
  from: { email: string; name?: string };
  personalizations: {
    to: { email: string; name?: string }[];
    subject: string;
    headers: Record<string, string>;
    custom_args: Record<string, string>;
  }[];
  content: { type: string; value: string }[];
  categories?: string[];
  tracking_settings?: Record<string, unknown>;
}

interface Recorded {
  headers: Headers;
  body: SendgridBody;
}

type Responder = () => Response;
const recorded: Recorded[] = [];
let answers: Responder[] = [];
let fallback: Responder | null = null;

const server = setupServer(
  http.post(ENDPOINT, async ({ request }) => {
    recorded.push({ headers: request.headers, body: (await request.json()) as SendgridBody });
    const next = answers.shift() ?? fallback;
    if (!next) return HttpResponse.json({ errors: [{ message: "test: no answer queued" }] }, { status: 599 });
    return next();
  }),
);

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.resolve("tests/fixtures/sendgrid", name), "utf8")) as Record<string, unknown>;
}

let accepted = 0;
const ok: Responder = () => new HttpResponse(null, { status: 202, headers: { "X-Message-Id": `sg-${++accepted}` } });
const status =
  (code: number, body: Record<string, unknown> | null = null, headers: Record<string, string> = {}): Responder =>
  () =>
    body ? HttpResponse.json(body, { status: code, headers }) : new HttpResponse(null, { status: code, headers });

let sleeps: number[] = [];
const NOW = Date.parse("2026-05-01T00:00:00Z");
function transport(options: Partial<SendgridTransportOptions> = {}) {
  return createSendgridTransport({
    apiKey: API_KEY,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => NOW,
    ...options,
  });
}

function message(n: number, overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    messageId: `msg_${n}`,
    to: { email: `customer${n}@example.com`, name: `Customer ${n}` },
    from: { email: "news@tea.example", name: "Tea & Co" },
    subject: `Subject ${n}`,
    html: `<p>Hello ${n}</p>`,
    text: `Hello ${n}`,
    headers: listUnsubscribeHeaders(`https://joren.example/mail/u?t=tok${n}`),
    customArgs: { shop_id: "shop_1", scenario: "cart_abandonment" },
    categories: ["joren", "cart_abandonment"],
    ...overrides,
  };
}

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  recorded.length = 0;
  answers = [];
  fallback = null;
  sleeps = [];
  accepted = 0;
});
afterAll(() => server.close());

describe("request shape", () => {
  test("one message: auth, from, personalization, content order, headers, custom args", async () => {
    answers = [ok];
    const results = await transport().send([message(1)]);
    expect(results).toEqual([{ messageId: "msg_1", status: "sent", providerId: "sg-1" }]);
    expect(recorded).toHaveLength(1);
    const { headers, body } = only(recorded);
    expect(headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    expect(headers.get("content-type")).toMatch(/^application\/json/);
    expect(body).toEqual({
      from: { email: "news@tea.example", name: "Tea & Co" },
      personalizations: [
        {
          to: [{ email: "customer1@example.com", name: "Customer 1" }],
          subject: "Subject 1",
          headers: {
            "List-Unsubscribe": "<https://joren.example/mail/u?t=tok1>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
          },
          custom_args: { shop_id: "shop_1", scenario: "cart_abandonment", joren_message_id: "msg_1" },
        },
      ],
      content: [
        { type: "text/plain", value: "Hello 1" },
        { type: "text/html", value: "<p>Hello 1</p>" },
      ],
      categories: ["joren", "cart_abandonment"],
      tracking_settings: {
        click_tracking: { enable: false, enable_text: false },
        open_tracking: { enable: false },
        subscription_tracking: { enable: false },
      },
    });
  });

  test("messages with identical content share a request, one personalization each", async () => {
    answers = [ok, ok];
    const same = { html: "<p>Same</p>", text: "Same" };
    const batch = [message(1, same), message(2), message(3, same)];
    const results = await transport({ concurrency: 1 }).send(batch);
    expect(results.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    expect(recorded).toHaveLength(2);
    const shared = recorded.find((r) => r.body.personalizations.length === 2);
    expect(
      shared?.body.personalizations.map((p) => [
        p.subject,
        p.custom_args.joren_message_id,
        p.headers["List-Unsubscribe"],
      ]),
    ).toEqual([
      ["Subject 1", "msg_1", "<https://joren.example/mail/u?t=tok1>"],
      ["Subject 3", "msg_3", "<https://joren.example/mail/u?t=tok3>"],
    ]);
  });

  test("a recipient without a name is sent without one", async () => {
    answers = [ok];
    await transport().send([message(1, { to: { email: "a@example.com" } })]);
    expect(recorded[0]!.body.personalizations[0]!.to).toEqual([{ email: "a@example.com" }]);
  });
});

describe("batching", () => {
  test("2,500 messages never put more than 1,000 personalizations in one request", async () => {
    fallback = ok;
    const same = { html: "<p>Same</p>", text: "Same" };
    const batch = Array.from({ length: 2500 }, (_, i) => message(i, same));
    const results = await transport().send(batch);
    expect(results.every((r) => r.status === "sent")).toBe(true);
    expect(results.map((r) => r.messageId)).toEqual(batch.map((m) => m.messageId));
    const sizes = recorded.map((r) => r.body.personalizations.length).sort((a, b) => b - a);
    expect(sizes).toEqual([1000, 1000, 500]);
    const ids = recorded.flatMap((r) => r.body.personalizations.map((p) => p.custom_args.joren_message_id));
    expect(new Set(ids).size).toBe(2500);
  });

  test("groupForRequests caps every group at 1,000", () => {
    const a = Array.from({ length: 1001 }, (_, i) => message(i, { html: "A", text: "A" }));
    const b = Array.from({ length: 3 }, (_, i) => message(5000 + i, { html: "B", text: "B" }));
    expect(groupForRequests([...a, ...b]).map((g) => g.length)).toEqual([1000, 1, 3]);
  });

  test("a recipient appears at most once per request", () => {
    const same = { html: "A", text: "A" };
    const batch = [message(1, same), message(2, same), message(3, { ...same, to: { email: "Customer1@Example.com" } })];
    expect(groupForRequests(batch).map((g) => g.map((m) => m.messageId))).toEqual([["msg_1", "msg_2"], ["msg_3"]]);
  });
});

describe("retries", () => {
  test("429 then 202: retried once, honouring Retry-After", async () => {
    answers = [status(429, fixture("mail-send.429.json"), { "Retry-After": "3" }), ok];
    const results = await transport().send([message(1)]);
    expect(results).toEqual([{ messageId: "msg_1", status: "sent", providerId: "sg-1" }]);
    expect(recorded).toHaveLength(2);
    expect(sleeps).toEqual([3000]);
    expect(recorded[1]!.body).toEqual(recorded[0]!.body);
  });

  test("429 with X-RateLimit-Reset waits until the reset", async () => {
    answers = [status(429, fixture("mail-send.429.json"), { "X-RateLimit-Reset": String(NOW / 1000 + 5) }), ok];
    expect((await transport().send([message(1)]))[0]!.status).toBe("sent");
    expect(sleeps).toEqual([5000]);
  });

  test("500 twice then 202: exponential backoff, then sent", async () => {
    answers = [status(500), status(503), ok];
    const results = await transport({ baseDelayMs: 200 }).send([message(1)]);
    expect(results[0]).toEqual({ messageId: "msg_1", status: "sent", providerId: "sg-1" });
    expect(recorded).toHaveLength(3);
    expect(sleeps).toEqual([200, 400]);
  });

  test("attempts exhausted: handed back as retry, and later requests are not tried", async () => {
    fallback = status(503);
    const results = await transport({ maxAttempts: 3, baseDelayMs: 100, concurrency: 1 }).send([
      message(1),
      message(2),
    ]);
    expect(results).toEqual([
      { messageId: "msg_1", status: "retry", retryAfterMs: 400 },
      { messageId: "msg_2", status: "retry", retryAfterMs: 400 },
    ]);
    expect(recorded).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
  });

  test("a wait longer than maxDelayMs is handed to the engine instead of slept", async () => {
    answers = [status(429, fixture("mail-send.429.json"), { "Retry-After": "120" })];
    const results = await transport({ maxDelayMs: 30_000 }).send([message(1)]);
    expect(results).toEqual([{ messageId: "msg_1", status: "retry", retryAfterMs: 120_000 }]);
    expect(recorded).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test("a network error after sending is failed, not permanent, and not resent", async () => {
    answers = [() => HttpResponse.error()];
    const [result] = await transport().send([message(1)]);
    expect(result).toMatchObject({ messageId: "msg_1", status: "failed", permanent: false });
    expect(recorded).toHaveLength(1);
  });
});

describe("refusals", () => {
  test("400 is failed, permanent, with SendGrid's message", async () => {
    answers = [status(400, fixture("mail-send.400.json"))];
    const [result] = await transport().send([message(1)]);
    expect(result).toEqual({
      messageId: "msg_1",
      status: "failed",
      permanent: true,
      error: "SendGrid 400: The from email does not contain a valid address. (from.email)",
    });
    expect(recorded).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test.each([
    [401, "mail-send.401.json", "SendGrid 401: The provided authorization grant is invalid, expired, or revoked"],
    [403, null, "SendGrid 403: Forbidden"],
    [413, "mail-send.413.json", "SendGrid 413: The JSON payload you have included in your request is too large."],
  ])("%i is failed and permanent", async (code, name, error) => {
    answers = [status(code, name ? fixture(name) : null)];
    const [result] = await transport().send([message(1)]);
    expect(result).toEqual({ messageId: "msg_1", status: "failed", permanent: true, error });
    expect(recorded).toHaveLength(1);
  });

  test("invalid messages are refused before any request; the rest still go", async () => {
    answers = [ok];
    const noUnsubscribe = message(2, { headers: {} });
    const noShop = message(3, { customArgs: { scenario: "welcome" } });
    const duplicate = message(1, { html: "<p>dup</p>" });
    const results = await transport().send([message(1), noUnsubscribe, noShop, duplicate]);
    expect(results).toEqual([
      { messageId: "msg_1", status: "sent", providerId: "sg-1" },
      {
        messageId: "msg_2",
        status: "failed",
        permanent: true,
        error: "List-Unsubscribe and List-Unsubscribe-Post headers are required",
      },
      { messageId: "msg_3", status: "failed", permanent: true, error: "custom arg shop_id is required" },
      { messageId: "msg_1", status: "failed", permanent: true, error: "messageId appears twice in the batch" },
    ]);
    expect(recorded).toHaveLength(1);
  });

  test("an empty batch makes no request", async () => {
    expect(await transport().send([])).toEqual([]);
    expect(recorded).toHaveLength(0);
  });
});

describe("retryHintMs", () => {
  test("Retry-After in seconds or as an HTTP date, else X-RateLimit-Reset", () => {
    expect(retryHintMs({ "retry-after": "7" }, NOW)).toBe(7000);
    expect(retryHintMs({ "retry-after": new Date(NOW + 9000).toUTCString() }, NOW)).toBe(9000);
    expect(retryHintMs({ "x-ratelimit-reset": String(NOW / 1000 + 2) }, NOW)).toBe(2000);
    expect(retryHintMs({ "x-ratelimit-reset": String(NOW / 1000 - 2) }, NOW)).toBe(0);
    expect(retryHintMs({}, NOW)).toBeNull();
  });
});

describe("classifySendError", () => {
  function axiosError(code: string): Error {
    return Object.assign(new Error(`connect ${code}`), { isAxiosError: true, code });
  }

  test("a connection that never reached SendGrid is retried", () => {
    for (const code of ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]) {
      expect(classifySendError(axiosError(code), NOW)).toEqual({
        kind: "transient",
        description: `connection failed (${code})`,
        hintMs: null,
      });
    }
  });

  test("a timeout or reset may have been accepted: failed, not permanent", () => {
    for (const code of ["ECONNABORTED", "ECONNRESET", "ETIMEDOUT"]) {
      expect(classifySendError(axiosError(code), NOW)).toMatchObject({ kind: "failed", permanent: false });
    }
  });

  test("an error building the request is permanent", () => {
    expect(classifySendError(new Error("String expected for `name`"), NOW)).toEqual({
      kind: "failed",
      permanent: true,
      error: "could not build the SendGrid request: String expected for `name`",
    });
  });
});
