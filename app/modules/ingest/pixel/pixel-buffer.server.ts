// The pixel's answer must not wait on the database (docs/decisions/0020): a valid request is
// accepted into this bounded in-memory queue and answered at once; one writer applies the queue
// in order behind it, with priority over the webhook inbox worker, retrying while the database
// is busy. Only a full queue refuses (503): the browser never retries, so refusing is a loss too.
import { isTransientDbError, isUniqueViolation } from "~/lib/db-errors";
import { log } from "~/lib/log.server";
import { UnknownShopError, type RecordPixelEventsInput } from "./record-pixel-events.server";
import { itemAt } from "~/lib/arrays";

/** events held before new requests are refused: ≈ 0.5 KB each, so a few MB per instance */
export const DEFAULT_PIXEL_BUFFER_EVENTS = 10_000;
/** what a refused request is told: a full queue drains in seconds once the database answers */
export const PIXEL_RETRY_AFTER_SECONDS = 5;
/** requests applied per priority window, so webhook applying is held back only briefly */
const BATCH_REQUESTS = 20;
/** a request failing for a reason other than a busy database (a bug) is dropped after this */
const MAX_ATTEMPTS = 5;
/** busy retries stay inside the priority window up to this long, then back off outside it */
const BUSY_WINDOW_MS = 100;
const MAX_BACKOFF_MS = 500;

export interface PixelBufferOptions {
  /** applies one accepted request (recordPixelEvents); must be idempotent per event id */
  apply(input: RecordPixelEventsInput): Promise<unknown>;
  /** most events held at once */
  capacity?: number;
  /** runs a write ahead of the inbox worker's next transaction (jobs/writer-priority.ts) */
  withPriority?: <T>(write: () => Promise<T>) => Promise<T>;
  /** resolves once no webhook ack is writing (bounded): acks have Shopify's 5 s to meet */
  yieldToAcks?: () => Promise<void>;
}

export type OfferResult = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Held {
  input: RecordPixelEventsInput;
  attempts: number;
}

type BatchOutcome = "progress" | "busy";

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An error for the log: errors may quote query arguments, so addresses are masked. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/[^\s@"'<>()]+@[^\s@"'<>()]+/g, "[email]").slice(0, 500);
}

export class PixelBuffer {
  private readonly queue: Held[] = [];
  private head = 0;
  private held = 0;
  private flushing: Promise<void> | null = null;
  readonly capacity: number;

  constructor(private readonly options: PixelBufferOptions) {
    this.capacity = options.capacity ?? DEFAULT_PIXEL_BUFFER_EVENTS;
  }

  /** Takes the request, or refuses it when the queue is full. Never waits. */
  offer(input: RecordPixelEventsInput): OfferResult {
    if (this.held + input.events.length > this.capacity)
      return { ok: false, retryAfterSeconds: PIXEL_RETRY_AFTER_SECONDS };
    this.queue.push({ input, attempts: 0 });
    this.held += input.events.length;
    this.startFlush();
    return { ok: true };
  }

  private startFlush(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
      // a request offered between the flush's last look and this callback
      if (this.head < this.queue.length) this.startFlush();
    });
  }

  /** events accepted and not yet applied */
  get heldEvents(): number {
    return this.held;
  }

  /** Resolves once everything accepted so far is applied (or dropped for good). */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    let backoff = 0;
    while (this.head < this.queue.length) {
      const run = this.options.withPriority ?? ((write) => write());
      await this.options.yieldToAcks?.();
      const outcome = await run(() => this.applyBatch());
      if (outcome === "progress") {
        backoff = 0;
        continue;
      }
      // Busy beyond the window (a long tick transaction, a locked table): let the other
      // writers finish; the queue absorbs what arrives meanwhile.
      backoff = Math.min(MAX_BACKOFF_MS, backoff === 0 ? 10 : backoff * 2);
      await pause(backoff);
    }
    this.queue.length = 0;
    this.head = 0;
  }

  private async applyBatch(): Promise<BatchOutcome> {
    const windowEnds = Date.now() + BUSY_WINDOW_MS;
    let applied = 0;
    let wait = 1;
    while (applied < BATCH_REQUESTS && this.head < this.queue.length) {
      const item = itemAt(this.queue, this.head, "queued request");
      const outcome = await this.applyOne(item);
      if (outcome === "busy") {
        if (Date.now() + wait > windowEnds) return applied > 0 ? "progress" : "busy";
        await pause(wait);
        wait = Math.min(wait * 2, 20);
        continue;
      }
      this.head += 1;
      this.held -= item.input.events.length;
      applied += 1;
      // under steady traffic the queue never empties: drop what is applied now and then
      if (this.head >= 1024) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
    }
    return "progress";
  }

  /** "busy": try again later; "settled": applied, or dropped for a reason a retry cannot fix */
  private async applyOne(item: Held): Promise<"busy" | "settled"> {
    const { input } = item;
    try {
      await this.options.apply(input);
      return "settled";
    } catch (error) {
      // the same new event applied by another instance at the same moment: a retry sees its row
      if (isTransientDbError(error) || isUniqueViolation(error)) return "busy";
      if (error instanceof UnknownShopError) {
        log("warn", "pixel events dropped: the shop was uninstalled after they were accepted", {
          shop: input.shopDomain,
          events: input.events.length,
        });
        return "settled";
      }
      item.attempts += 1;
      if (item.attempts < MAX_ATTEMPTS) {
        log("warn", "pixel events not applied; will retry", {
          shop: input.shopDomain,
          attempt: item.attempts,
          error: describeError(error),
        });
        return "busy";
      }
      log("error", "pixel events dropped after repeated failures", {
        shop: input.shopDomain,
        events: input.events.length,
        error: describeError(error),
      });
      return "settled";
    }
  }
}
