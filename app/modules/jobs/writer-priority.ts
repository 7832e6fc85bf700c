// Webhook acks and the inbox worker thread write to the same database. With SQLite there is one
// writer at a time, and an ack that waits behind back-to-back mirror transactions starves. Each
// webhook request raises a shared counter while it is handled; the worker waits for the counter
// to drop before its next transaction — but never longer than MAX_WAIT_MS, so applying still
// progresses during a long storm and catches up after it.
const WAITING = 0;
const MAX_WAIT_MS = 150;

export interface WriterPriority {
  buffer: SharedArrayBuffer;
  /** main thread: handle a request with priority over the worker */
  run<T>(write: () => Promise<T>): Promise<T>;
  /** worker thread: resolves once no priority write is in progress */
  yieldToWriters(): Promise<void>;
  /** worker thread: true while a priority write is in progress (a batch transaction closes early) */
  writersWaiting(): boolean;
}

export function createWriterPriority(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)): WriterPriority {
  const counter = new Int32Array(buffer);
  return {
    buffer,
    async run(write) {
      Atomics.add(counter, WAITING, 1);
      try {
        return await write();
      } finally {
        Atomics.sub(counter, WAITING, 1);
      }
    },
    writersWaiting: () => Atomics.load(counter, WAITING) > 0,
    async yieldToWriters() {
      const deadline = Date.now() + MAX_WAIT_MS;
      while (Atomics.load(counter, WAITING) > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
  };
}
