import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { EmbeddedAppProvider } from "~/components/EmbeddedAppProvider";
import { SaveBarScope } from "~/components/PageSaveBar";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import { Box, InlineStack, Spinner, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { I18nProvider, useT } from "~/i18n/i18n";
import { adminLocale } from "~/i18n/locale.server";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";
import { getShopSettings } from "~/modules/platform/settings/shop-settings.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, shop, sessionLocale } = await requireAdminShop(request);
  const { timezone } = await getShopSettings(db, shop.id);
  return { apiKey: process.env.SHOPIFY_API_KEY || "", locale: adminLocale(request, sessionLocale), timezone };
};

// The locale arrives only on the document request (Shopify puts it in the iframe URL); client
// navigations and revalidations carry no `locale`, so this loader's first answer is kept.
export const shouldRevalidate = () => false;

function Navigation() {
  const { t } = useT();
  return (
    <NavMenu>
      <Link to="/app" rel="home">
        {t("nav.home")}
      </Link>
      <Link to="/app/scenarios">{t("nav.scenarios")}</Link>
      <Link to="/app/reports">{t("nav.reports")}</Link>
      <Link to="/app/customers">{t("nav.customers")}</Link>
      <Link to="/app/settings">{t("nav.settings")}</Link>
      <Link to="/app/onboarding">{t("nav.onboarding")}</Link>
    </NavMenu>
  );
}

/** Page loads and form posts: App Bridge's loading bar when it is there, and a spinner in the page. */
function LoadingIndicator() {
  const navigation = useNavigation();
  const { t } = useT();
  const busy = navigation.state !== "idle";
  useEffect(() => {
    const bridge = (window as { shopify?: { loading?: (on: boolean) => void } }).shopify;
    bridge?.loading?.(busy);
  }, [busy]);
  if (!busy) return null;
  return (
    <div style={{ position: "fixed", top: 8, right: 8, zIndex: 1000 }} role="status" aria-live="polite">
      <Box background="bg-surface" padding="200" borderRadius="200" shadow="200">
        <InlineStack gap="200" blockAlign="center">
          <Spinner size="small" accessibilityLabel={t("common.loading")} />
          <Text as="span" variant="bodySm">
            {t("common.loading")}
          </Text>
        </InlineStack>
      </Box>
    </div>
  );
}

export default function AppLayout() {
  const { apiKey, locale, timezone } = useLoaderData<typeof loader>();
  return (
    <EmbeddedAppProvider apiKey={apiKey} locale={locale}>
      <I18nProvider locale={locale} timeZone={timezone}>
        <Navigation />
        <LoadingIndicator />
        {/* one contextual save bar for whichever forms the page has */}
        <SaveBarScope id="joren-save-bar">
          <Outlet />
        </SaveBarScope>
      </I18nProvider>
    </EmbeddedAppProvider>
  );
}

export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
