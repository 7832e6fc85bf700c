// Splits a byte stream into text lines as the bytes arrive: a bulk result file can be
// gigabytes, so it is never held whole. Handles "\n" and "\r\n", UTF-8 split across chunks,
// and a last line without a newline. Stopping early (break) cancels the stream.
export async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8");
  let buffer = "";
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let start = 0;
      let newline = buffer.indexOf("\n", start);
      while (newline !== -1) {
        yield stripCarriageReturn(buffer.slice(start, newline));
        start = newline + 1;
        newline = buffer.indexOf("\n", start);
      }
      buffer = buffer.slice(start);
    }
    buffer += decoder.decode();
    if (buffer.length > 0) yield stripCarriageReturn(buffer);
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
