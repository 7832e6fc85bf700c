// The production server: Express serving the Remix build (the standard Remix custom server),
// so that webhook and pixel acks skip gzip and per-request access logs — at hundreds of
// webhooks a second those cost more than storing the webhook (docs/benchmarks.md).
import http from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";
import morgan from "morgan";

installGlobals({ nativeFetch: true });

const root = path.dirname(fileURLToPath(import.meta.url));
const buildPath = path.resolve(root, process.env.JOREN_BUILD ?? "build/index.js");
const build = await import(pathToFileURL(buildPath).href);

const machineEndpoints = /^\/(webhooks|pixel\/events|sendgrid\/events)(\/|$)/;
const app = express();
app.disable("x-powered-by");
// Remix parses the URL itself; Express's query parser is wasted work on every request.
app.set("query parser", false);
app.use(compression({ filter: (req, res) => !machineEndpoints.test(req.path) && compression.filter(req, res) }));
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static(path.resolve(root, "public"), { maxAge: "1h" }));
// Email links carry signed tokens that act like passwords (unsubscribe): never log them.
const unlogged = /^\/(webhooks|pixel\/events|sendgrid\/events|email\/)/;
// The path only: query strings carry customer search terms (emails, names), Shopify's id_token
// and app-proxy signatures (docs/security.md). req.path is the URL without its query.
morgan.token("path-only", (req) => req.path);
if (process.env.JOREN_ACCESS_LOG !== "0") {
  app.use(
    morgan(":method :path-only :status :res[content-length] - :response-time ms", {
      skip: (req) => unlogged.test(req.path),
    }),
  );
}
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV ?? "production" }));

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
// Webhooks skip Express and the Remix router: at storm rates their per-request work was a large
// part of the ack. Same handler as app/routes/webhooks.tsx, given the Node request as it is (the
// body read once, byte-exact for the HMAC; docs/decisions/0029-lean-webhook-ack.md).
const webhookPath = /^\/webhooks\/?(\?|$)/i;
const server = http.createServer((req, res) => {
  if (req.method !== "POST" || !webhookPath.test(req.url ?? "")) return app(req, res);
  build.entry.module.handleWebhookNode(req, res).catch((error) => {
    console.error("[joren] webhook failed", error);
    if (res.headersSent) return res.destroy();
    res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "internal error" }));
  });
});
server.listen(port, host, () =>
  console.error(`[joren] listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port}`),
);
// Shopify's webhook client keeps connections open; match its pace without dropping them early.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    const closed = new Promise((resolve) => server.close(resolve));
    // Pixel events are answered before they are written, and the browser never sends them
    // again: write what is queued before exiting (bounded; docs/decisions/0020).
    const drained = build.entry.module.drainPixelBuffer();
    Promise.allSettled([closed, drained]).then(() => process.exit(0));
  });
}
