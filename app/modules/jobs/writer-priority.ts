// Webhook acks and the inbox worker thread write to the same database. With SQLite there is one
// writer at a time, and an ack that waits behind back-to-back mirror transactions starves. The
// ack path raises a shared flag while it writes; the worker waits for it to drop before it
// starts its next transaction, so an ack waits for at most one transaction.
const WAITING = 0;

export interface WriterPriority {
  buffer: SharedArrayBuffer;
  /** main thread: run a write with priority over the worker */
  run<T>(write: () => Promise<T>): Promise<T>;
  /** worker thread: resolves once no priority write is in progress */
  yieldToWriters(): Promise<void>;
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
    async yieldToWriters() {
      for (let spins = 0; Atomics.load(counter, WAITING) > 0 && spins < 200; spins++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
  };
}
