import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "./shopify.server";
import { getInboxWorker } from "./modules/jobs/boot.server";

export const streamTimeout = 5000;

// The inbox worker starts with the server, so webhooks stored before a restart are applied.
void getInboxWorker();

// Entry points server.mjs reaches through the build: the inbox worker thread, the webhook
// fast path (the same handler as routes/webhooks.tsx, without the router).
export { runInboxThread } from "./modules/jobs/boot.server";
export { handleWebhookNode } from "./modules/jobs/endpoints/webhook-endpoint.server";
// server.mjs writes the accepted pixel events before the process exits
export { drainPixelBuffer } from "./modules/jobs/endpoints/pixel-intake.server";

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}
