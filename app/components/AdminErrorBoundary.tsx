// The error view of every admin page, inside the app layout (so in the admin's language).
// Shopify's own responses (re-authentication) go to the library's boundary.
import { PageTitle } from "./PageTitle";
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, Card, EmptyState, Page } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useT } from "~/i18n/i18n";

export function AdminErrorBoundary() {
  const error = useRouteError();
  const { t } = useT();
  if (isRouteErrorResponse(error) && error.status !== 404 && error.status !== 400 && error.status < 500)
    return boundary.error(error);
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const badRequest = isRouteErrorResponse(error) && error.status === 400;
  const detail = isRouteErrorResponse(error) && typeof error.data === "string" && error.data ? error.data : null;
  if (notFound) {
    return (
      <>
        <PageTitle title={t("common.notFoundTitle")} />
        <Page>
          <Card>
            <EmptyState
              heading={t("common.notFoundTitle")}
              action={{ content: t("common.notFoundHome"), url: "/app" }}
              image=""
            >
              <p>{detail ?? t("common.notFoundBody")}</p>
            </EmptyState>
          </Card>
        </Page>
      </>
    );
  }
  return (
    <>
      <PageTitle title={notFound ? t("common.notFoundTitle") : t("common.errorTitle")} />
      <Page>
        <Banner tone="critical" title={notFound ? t("common.notFoundTitle") : t("common.errorTitle")}>
          <p>
            {detail ??
              (notFound ? t("common.notFoundBody") : badRequest ? t("common.badRequest") : t("common.errorBody"))}
          </p>
        </Banner>
      </Page>
    </>
  );
}
