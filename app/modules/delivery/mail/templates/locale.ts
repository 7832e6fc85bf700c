import type { Locale } from "./types";

/** The customer's locale when known, else the shop's: Japanese for any "ja…" tag, English otherwise. */
export function chooseLocale(customerLocale: string | null | undefined, shopLocale: string | null | undefined): Locale {
  const tag = customerLocale?.trim() || shopLocale?.trim() || "";
  return tag.toLowerCase().startsWith("ja") ? "ja" : "en";
}
