import type { Db } from "~/db.server";
import { log } from "~/lib/log.server";
import { processPendingWebhooks } from "./process-inbox.server";

/**
 * One draining loop per process: woken at once when a webhook is stored, and every second
 * for retries and for receipts another instance stored. Never two drains at once here.
 */
export function createInboxWorker(
  db: Db,
  options: { pollMs?: number; yieldToWriters?: () => Promise<void>; writersWaiting?: () => boolean } = {},
) {
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  const drain = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await processPendingWebhooks(db, {
            yieldToWriters: options.yieldToWriters,
            writersWaiting: options.writersWaiting,
          });
        } catch (error) {
          log("warn", "inbox drain failed; retrying shortly", {
            error: error instanceof Error ? error.message : String(error),
          });
        }
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    notify: () => void drain(),
    drain,
    start() {
      timer ??= setInterval(() => void drain(), options.pollMs ?? 1000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      return running ?? Promise.resolve();
    },
  };
}
