// RFC 8058 one-click unsubscribe: mailbox providers (Gmail, Yahoo) POST
// "List-Unsubscribe=One-Click" to the URL, so the URL itself must unsubscribe without any
// further page or login. The RFC only allows an https URI for the one-click POST.
// A type alias, not an interface, so it spreads into OutgoingMessage's Record<string, string>.
export type ListUnsubscribeHeaders = {
  "List-Unsubscribe": string;
  "List-Unsubscribe-Post": "List-Unsubscribe=One-Click";
};

export function listUnsubscribeHeaders(httpsUrl: string): ListUnsubscribeHeaders {
  let url: URL;
  try {
    url = new URL(httpsUrl);
  } catch {
    throw new Error(`List-Unsubscribe needs an absolute https URL (RFC 8058); got an unparsable URL`);
  }
  // The one exception: a loopback app URL (offline demo, tests), whose mail only reaches the
  // local outbox and never a mailbox provider.
  const loopback = url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !loopback) {
    throw new Error(`List-Unsubscribe needs an https URL (RFC 8058 one-click); got ${url.protocol.replace(/:$/, "")}`);
  }
  // URL#href percent-encodes spaces and angle brackets, so the value cannot break out of <…>.
  return {
    "List-Unsubscribe": `<${url.href}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}
