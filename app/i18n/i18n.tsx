// t() for the admin: the admin's locale comes from the app layout's loader; every page reads its
// words through useT(). Keys are typed (en.ts), and ja.ts must have them all.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { en, type MessageKey } from "./en";
import { ja } from "./ja";
import type { Locale } from "./locale";

export type { MessageKey } from "./en";
export type { Locale } from "./locale";

const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { en, ja };

export type Vars = Record<string, string | number>;

export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  const text = DICTIONARIES[locale][key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

export interface I18n {
  locale: Locale;
  t: (key: MessageKey, vars?: Vars) => string;
  /** numbers, money and dates in the admin's language */
  number: (value: number) => string;
  percent: (fraction: number) => string;
  money: (amount: number, currency: string) => string;
  date: (iso: string | null) => string;
  dateTime: (iso: string | null) => string;
}

/** timeZone: the shop's; dates are shown in shop time on the server and in the browser alike. */
export function createI18n(locale: Locale, timeZone = "UTC"): I18n {
  const tag = locale === "ja" ? "ja-JP" : "en-US";
  const numberFormat = new Intl.NumberFormat(tag);
  const percentFormat = new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: 1 });
  const dateFormat = new Intl.DateTimeFormat(tag, { year: "numeric", month: "short", day: "numeric", timeZone });
  const dateTimeFormat = new Intl.DateTimeFormat(tag, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  });
  return {
    locale,
    t: (key, vars) => translate(locale, key, vars),
    number: (value) => numberFormat.format(value),
    percent: (fraction) => percentFormat.format(fraction),
    money: (amount, currency) => {
      try {
        return new Intl.NumberFormat(tag, { style: "currency", currency }).format(amount);
      } catch {
        return `${numberFormat.format(amount)} ${currency}`;
      }
    },
    date: (iso) => (iso ? dateFormat.format(new Date(iso)) : DICTIONARIES[locale]["common.none"]),
    dateTime: (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : DICTIONARIES[locale]["common.none"]),
  };
}

const I18nContext = createContext<I18n>(createI18n("en"));

export function I18nProvider(props: { locale: Locale; timeZone: string; children: ReactNode }) {
  const value = useMemo(() => createI18n(props.locale, props.timeZone), [props.locale, props.timeZone]);
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

export function useT(): I18n {
  return useContext(I18nContext);
}
