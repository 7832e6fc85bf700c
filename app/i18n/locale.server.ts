// Which language the admin shows. Shopify opens an embedded app with `locale` (the staff
// member's admin language) in the URL; an online session also knows it. Accept-Language is the
// fallback for anything else, then English.
import { toLocale, type Locale } from "./locale";

export function adminLocale(request: Request, sessionLocale?: string | null): Locale {
  const fromUrl = toLocale(new URL(request.url).searchParams.get("locale"));
  if (fromUrl) return fromUrl;
  const fromSession = toLocale(sessionLocale);
  if (fromSession) return fromSession;
  const accept = request.headers.get("accept-language") ?? "";
  for (const part of accept.split(",")) {
    const found = toLocale(part.split(";")[0]);
    if (found) return found;
  }
  return "en";
}
