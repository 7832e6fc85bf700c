import { parseJsonLossless } from "~/lib/json";
import { groupBulkLines, parseBulkLine } from "./group-bulk-lines";

describe("parseBulkLine", () => {
  test.each([
    `{"id":"gid://shopify/Order/1","quantity":3,"price":"1200.50","n":-12.25,"ok":true,"none":null,"list":[1,2,{"a":0.5}]}`,
    `{"id":820982911946154508,"small":12}`,
    `{"big":12345678901234567890,"x":1}`,
    `{"precise":0.12345678901234567,"x":1}`,
    `{"split":1234567890.1234567}`,
    `{"huge":1e400,"tiny":2E-400}`,
    `{"gid":"gid://shopify/Customer/9007199254740993"}`,
    `{"text":"日本語 \\u00e9 \\"quoted\\"","empty":{}}`,
  ])("gives what the lossless parser gives: %s", (line) => {
    expect(parseBulkLine(line)).toEqual(parseJsonLossless(line));
  });

  test("integers above 2^53 stay strings", () => {
    expect(parseBulkLine(`{"id":820982911946154508}`)).toEqual({ id: "820982911946154508" });
  });

  test("a line that is not JSON throws, as the lossless parser does", () => {
    expect(() => parseBulkLine(`{"id":`)).toThrow();
    expect(() => parseJsonLossless(`{"id":`)).toThrow();
  });
});

describe("groupBulkLines", () => {
  async function* lines(...items: string[]) {
    yield* items;
  }

  test("children follow their parent; a stray child and a bad line are reported with their line counts", async () => {
    const out = [];
    for await (const item of groupBulkLines(
      lines(
        `{"id":"gid://shopify/Order/1"}`,
        `{"id":"gid://shopify/LineItem/1","__parentId":"gid://shopify/Order/1"}`,
        `not json`,
        `{"id":"gid://shopify/LineItem/2","__parentId":"gid://shopify/Order/9"}`,
        `{"id":"gid://shopify/Order/2","total":820982911946154508}`,
      ),
    ))
      out.push(item);
    expect(out).toEqual([
      {
        kind: "object",
        parent: { id: "gid://shopify/Order/1" },
        children: [{ id: "gid://shopify/LineItem/1", __parentId: "gid://shopify/Order/1" }],
        lineCount: 2,
      },
      { kind: "invalid", lineCount: 1, reason: "the line is not a JSON object", gid: null },
      expect.objectContaining({ kind: "invalid", lineCount: 1, gid: "gid://shopify/LineItem/2" }),
      {
        kind: "object",
        parent: { id: "gid://shopify/Order/2", total: "820982911946154508" },
        children: [],
        lineCount: 1,
      },
    ]);
  });
});
