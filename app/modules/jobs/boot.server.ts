// Background work that runs inside each app process, started once per process.
import { getDb } from "~/db.server";
import { createInboxWorker } from "~/modules/ingest/inbox-worker.server";

type InboxWorker = ReturnType<typeof createInboxWorker>;

declare global {
  var __jorenInbox: Promise<InboxWorker> | undefined;
}

export function getInboxWorker(): Promise<InboxWorker> {
  globalThis.__jorenInbox ??= getDb().then((db) => {
    const worker = createInboxWorker(db);
    if (process.env.JOREN_DISABLE_WORKERS !== "1") worker.start();
    return worker;
  });
  return globalThis.__jorenInbox;
}
