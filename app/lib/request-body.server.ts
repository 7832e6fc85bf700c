// Request bodies from the public internet, read with a bound.

/**
 * An oversized body is still read (and dropped) up to this size, so the 413 reaches the client on
 * a healthy connection (a client still writing into a closed socket gets EPIPE, not the answer);
 * beyond it the connection is closed.
 */
const MAX_DRAINED_BYTES = 8 * 1024 * 1024;

export interface BodyRead {
  /** the first `keep` bytes */
  bytes: Buffer;
  /** bytes received */
  size: number;
  /** false when more than `max` bytes arrived: the rest is left unread */
  complete: boolean;
}

/**
 * Reads the body to its end, keeping only its first `keep` bytes, but stops once more than `max`
 * bytes have arrived. A body left unread must be answered with `Connection: close`: the client
 * is still sending it, so the connection cannot carry another request. (Cancelling the stream
 * instead would destroy the socket before the answer goes out.)
 */
export async function readBoundedBody(request: Request, keep: number, max: number): Promise<BodyRead> {
  if (!request.body) return { bytes: Buffer.alloc(0), size: 0, complete: true };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(chunks), size, complete: true };
    size += value.byteLength;
    if (kept < keep) {
      const part = value.subarray(0, keep - kept);
      chunks.push(part);
      kept += part.byteLength;
    }
    if (size > max) {
      reader.releaseLock();
      return { bytes: Buffer.concat(chunks), size, complete: false };
    }
  }
}

/** A body of at most `max` bytes, or the headers its 413 must carry (Connection: close when the rest was left unread). */
export type LimitedBody = { ok: true; bytes: Buffer } | { ok: false; headers: Record<string, string> };

/** For an answer given before the body was read to its end: the connection cannot carry another request. */
export const CONNECTION_CLOSE: Readonly<Record<string, string>> = { Connection: "close" };

/**
 * The whole body when neither its declared length nor what arrives exceeds `max`. An oversized
 * body is drained up to MAX_DRAINED_BYTES first, so the client reads the 413.
 */
export function readBodyAtMost(request: Request, max: number): Promise<LimitedBody> {
  return limitBody(request.headers.get("content-length"), max, () => readBoundedBody(request, max, MAX_DRAINED_BYTES));
}

/**
 * readBodyAtMost for a Node request (the production server's webhook fast path, which skips the
 * Web Request): the same limits, the same answers.
 */
export function readNodeBodyAtMost(
  request: NodeJS.ReadableStream & { headers: Record<string, unknown> },
  max: number,
): Promise<LimitedBody> {
  const declared = request.headers["content-length"];
  return limitBody(typeof declared === "string" ? declared : null, max, () =>
    readBoundedNodeBody(request, max, MAX_DRAINED_BYTES),
  );
}

async function limitBody(
  contentLength: string | null,
  max: number,
  read: () => Promise<BodyRead>,
): Promise<LimitedBody> {
  const declared = Number(contentLength ?? "0");
  if (Number.isFinite(declared) && declared > MAX_DRAINED_BYTES) return { ok: false, headers: { ...CONNECTION_CLOSE } };
  // The declared length can lie (or be absent with chunked encoding): count what arrives.
  const body = await read();
  if (!body.complete) return { ok: false, headers: { ...CONNECTION_CLOSE } };
  if (body.size > max || declared > max) return { ok: false, headers: {} };
  return { ok: true, bytes: body.bytes };
}

/** readBoundedBody for a Node stream: past `max` it is paused, not destroyed, for the same reason. */
function readBoundedNodeBody(request: NodeJS.ReadableStream, keep: number, max: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    const bytes = () => (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, kept));
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (kept < keep) {
        const part = chunk.subarray(0, keep - kept);
        chunks.push(part);
        kept += part.length;
      }
      if (size > max) {
        cleanup();
        request.pause();
        resolve({ bytes: bytes(), size, complete: false });
      }
    };
    const onEnd = () => {
      cleanup();
      resolve({ bytes: bytes(), size, complete: true });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
    };
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onError);
  });
}
