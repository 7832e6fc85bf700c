// The production server reads webhook bodies from the Node request (readNodeBodyAtMost), the Remix
// route from a Web Request (readBodyAtMost): the same limits must give the same answers.
import { Readable } from "node:stream";
import { readBodyAtMost, readNodeBodyAtMost } from "~/lib/request-body.server";

const MB = 1024 * 1024;
const MAX = 5 * MB;

function nodeRequest(chunks: Buffer[], headers: Record<string, string>) {
  return Object.assign(Readable.from(chunks, { objectMode: false }), { headers });
}

function webRequest(chunks: Buffer[], headers: Record<string, string>) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk));
      controller.close();
    },
  });
  return new Request("http://localhost/webhooks", { method: "POST", headers, body, duplex: "half" } as RequestInit);
}

const cases: { name: string; size: number; declared?: number; expected: "ok" | "413" | "413-close" }[] = [
  { name: "a small body", size: 2_000, declared: 2_000, expected: "ok" },
  { name: "an empty body", size: 0, expected: "ok" },
  { name: "exactly the limit", size: MAX, declared: MAX, expected: "ok" },
  { name: "6 MB declared: read to its end, 413", size: 6 * MB, declared: 6 * MB, expected: "413" },
  { name: "6 MB chunked (no length)", size: 6 * MB, expected: "413" },
  { name: "a length that lies low", size: 6 * MB, declared: 1_000, expected: "413" },
  { name: "a length that lies high", size: 1_000, declared: 6 * MB, expected: "413" },
  { name: "9 MB chunked: left unread, Connection: close", size: 9 * MB, expected: "413-close" },
  { name: "9 MB declared: refused before reading", size: 9 * MB, declared: 9 * MB, expected: "413-close" },
];

describe("readNodeBodyAtMost answers as readBodyAtMost does", () => {
  test.each(cases)("$name", async ({ size, declared, expected }) => {
    const data = Buffer.alloc(size, 0x61);
    const chunks: Buffer[] = [];
    for (let at = 0; at < size; at += 64 * 1024) chunks.push(data.subarray(at, at + 64 * 1024));
    const headers: Record<string, string> = declared === undefined ? {} : { "content-length": String(declared) };
    const verdict = (r: Awaited<ReturnType<typeof readBodyAtMost>>) =>
      r.ok ? "ok" : r.headers.Connection === "close" ? "413-close" : "413";
    const fromNode = await readNodeBodyAtMost(nodeRequest(chunks, headers), MAX);
    const fromWeb = await readBodyAtMost(webRequest(chunks, headers), MAX);
    expect(verdict(fromNode)).toBe(expected);
    expect(verdict(fromWeb)).toBe(expected);
    if (fromNode.ok && fromWeb.ok) {
      expect(fromNode.bytes.equals(data)).toBe(true);
      expect(fromWeb.bytes.equals(data)).toBe(true);
    }
  });
});
