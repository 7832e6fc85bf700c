// The admin's two languages, and reading one from a locale tag ("ja", "ja-JP", "en-US").
export const LOCALES = ["en", "ja"] as const;
export type Locale = (typeof LOCALES)[number];

export function toLocale(tag: string | null | undefined): Locale | null {
  const value = tag?.trim().toLowerCase() ?? "";
  if (value.startsWith("ja")) return "ja";
  if (value.startsWith("en")) return "en";
  return null;
}
