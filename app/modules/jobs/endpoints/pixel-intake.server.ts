// The process-wide pixel queue, wired once: the Remix route and the production server's fast
// path share it, and server.mjs drains it before the process exits.
import { createDb, DEFAULT_DATABASE_URL, getDb, isPostgresUrl, type Db } from "~/db.server";
import { getInboxWorker } from "~/modules/jobs/boot.server";
import { DEFAULT_PIXEL_BUFFER_EVENTS, PixelBuffer } from "../../ingest/pixel/pixel-buffer.server";
import { recordPixelEvents } from "../../ingest/pixel/record-pixel-events.server";

declare global {
  var __jorenPixelBuffer: Promise<PixelBuffer> | undefined;
}

/**
 * On SQLite the queue writes through its own connection that never busy-waits: the shared
 * client's synchronous 5 s busy wait would stall every request on the main thread while the
 * inbox worker or a tick holds the write lock. PostgreSQL's waits are asynchronous already.
 */
async function writerDb(): Promise<Db> {
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  return isPostgresUrl(url) ? getDb() : createDb(url, { sqliteBusyTimeoutMs: 0 });
}

function capacityFromEnv(): number {
  const configured = Number(process.env.JOREN_PIXEL_BUFFER_EVENTS);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_PIXEL_BUFFER_EVENTS;
}

export function getPixelBuffer(): Promise<PixelBuffer> {
  globalThis.__jorenPixelBuffer ??= (async () => {
    const [db, worker] = await Promise.all([writerDb(), getInboxWorker()]);
    return new PixelBuffer({
      apply: (input) => recordPixelEvents(db, input),
      capacity: capacityFromEnv(),
      withPriority: (write) => worker.priority.run(write),
      // outside its own writes the counter counts webhook acks only
      yieldToAcks: () => worker.priority.yieldToWriters(),
    });
  })().catch((error: unknown) => {
    // e.g. the database file locked while connecting: the next request tries again
    globalThis.__jorenPixelBuffer = undefined;
    throw error;
  });
  return globalThis.__jorenPixelBuffer;
}

/** Applies what was accepted before the process exits (SIGTERM); gives up after `timeoutMs`. */
export async function drainPixelBuffer(timeoutMs = 10_000): Promise<boolean> {
  if (!globalThis.__jorenPixelBuffer) return true;
  const buffer = await globalThis.__jorenPixelBuffer;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([buffer.drained().then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
