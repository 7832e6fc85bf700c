import { listUnsubscribeHeaders } from "~/modules/delivery/mail/headers";

describe("listUnsubscribeHeaders", () => {
  test("RFC 8058 one-click headers for an https URL", () => {
    expect(listUnsubscribeHeaders("https://joren.example/u/abc.def")).toEqual({
      "List-Unsubscribe": "<https://joren.example/u/abc.def>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
  });

  test("angle brackets and spaces cannot break out of the <…>", () => {
    const value = listUnsubscribeHeaders("https://joren.example/u/a b>c?d=<e>")["List-Unsubscribe"];
    expect(value.slice(1, -1)).not.toMatch(/[<>\s]/);
  });

  test.each(["http://joren.example/u/x", "mailto:unsubscribe@joren.example"])("refuses %s", (url) => {
    expect(() => listUnsubscribeHeaders(url)).toThrow(/needs an https URL/);
  });

  test("refuses a relative URL", () => {
    expect(() => listUnsubscribeHeaders("/u/x")).toThrow(/absolute https URL/);
  });
});

test("a loopback http URL is allowed: the offline demo's mail only reaches the local outbox", () => {
  expect(listUnsubscribeHeaders("http://127.0.0.1:3000/email/unsubscribe?t=x")["List-Unsubscribe"]).toBe(
    "<http://127.0.0.1:3000/email/unsubscribe?t=x>",
  );
  expect(() => listUnsubscribeHeaders("http://joren.example/email/unsubscribe")).toThrow(/needs an https URL/);
});
