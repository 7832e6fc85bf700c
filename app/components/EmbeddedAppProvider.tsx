// Polaris + App Bridge for the embedded admin. Equivalent to @shopify/shopify-app-remix/react's
// AppProvider, which the classic Remix compiler cannot bundle (its JSON import attributes need a
// newer esbuild) — see docs/decisions/0003-embedded-app-provider.md.
import { forwardRef, useEffect, type ReactNode } from "react";
import { Link, useNavigate } from "@remix-run/react";
import { AppProvider as PolarisAppProvider } from "@shopify/polaris";
import type { LinkLikeComponentProps } from "@shopify/polaris/build/ts/src/utilities/link";
import enTranslations from "@shopify/polaris/locales/en.json";
import jaTranslations from "@shopify/polaris/locales/ja.json";

export const APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

const PolarisLink = forwardRef<HTMLAnchorElement, LinkLikeComponentProps>(function PolarisLink({ url, ...rest }, ref) {
  return <Link {...rest} to={url} ref={ref} />;
});

export function EmbeddedAppProvider(props: {
  apiKey: string;
  locale: string;
  children: ReactNode;
  embedded?: boolean;
}) {
  const navigate = useNavigate();
  useEffect(() => {
    // App Bridge's nav menu asks the app to navigate client-side.
    const onNavigate = (event: Event) => {
      const href = (event.target as HTMLElement | null)?.getAttribute("href");
      if (href) navigate(href);
    };
    addEventListener("shopify:navigate", onNavigate);
    return () => removeEventListener("shopify:navigate", onNavigate);
  }, [navigate]);
  const i18n = props.locale.startsWith("ja") ? jaTranslations : enTranslations;
  return (
    <>
      {props.embedded === false ? null : <script src={APP_BRIDGE_URL} data-api-key={props.apiKey} />}
      <PolarisAppProvider i18n={i18n} linkComponent={PolarisLink}>
        {props.children}
      </PolarisAppProvider>
    </>
  );
}
