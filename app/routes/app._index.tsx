import { PageTitle } from "~/components/PageTitle";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { AdminErrorBoundary } from "~/components/AdminErrorBoundary";
import { CheckoutDiscountActivate } from "~/components/CheckoutDiscountActivate";
import { useT, type I18n } from "~/i18n/i18n";
import { stageWord } from "~/i18n/value-words";
import { adminErrorWords } from "~/i18n/admin-error-words";
import { adminProblemOf } from "~/modules/platform/shopify/admin-problem";
import { getHomeOverview, type AttentionItem } from "~/modules/admin/shops/home-overview.server";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";
import { getCheckoutDiscountState, type CheckoutDiscountState } from "~/modules/admin/shops/onboarding-status.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const [overview, checkoutDiscount] = await Promise.all([
    getHomeOverview(db, shop.id, new Date()),
    getCheckoutDiscountState(db, shop),
  ]);
  return { ...overview, checkoutDiscount };
};

/** The checkout guard when it is not protecting checkout, with the fix at hand. */
function CheckoutGuardBanner({ state }: { state: CheckoutDiscountState }) {
  const { t } = useT();
  if (state.state === "inactive" || state.state === "not_created") {
    return (
      <Banner tone="warning" title={t("home.guardInactive.title")}>
        <BlockStack gap="200">
          <p>{t("home.guardInactive.body")}</p>
          <CheckoutDiscountActivate canActivate />
        </BlockStack>
      </Banner>
    );
  }
  if (state.state === "function_not_deployed") {
    return (
      <Banner
        tone="critical"
        title={t("home.guardInactive.title")}
        action={{ content: t("attention.open"), url: "/app/onboarding" }}
      >
        <p>{t("onboarding.discount.notDeployedHelp")}</p>
      </Banner>
    );
  }
  return null;
}

const SENDER_FIELD_KEYS = {
  name: "settings.senderName",
  email: "settings.senderEmail",
  postalAddress: "settings.senderAddress",
  contact: "settings.senderContact",
} as const;

function AttentionBanner({ item, i18n }: { item: AttentionItem; i18n: I18n }) {
  const { t } = i18n;
  switch (item.code) {
    case "sender_identity_missing":
      return (
        <Banner
          tone="warning"
          title={t("attention.senderMissing.title")}
          action={{ content: t("attention.senderMissing.action"), url: "/app/settings" }}
        >
          <p>
            {t("attention.senderMissing.body", {
              fields: item.fields.map((f) => t(SENDER_FIELD_KEYS[f])).join(i18n.locale === "ja" ? "、" : ", "),
            })}
          </p>
        </Banner>
      );
    case "import_not_started":
      return (
        <Banner
          tone="warning"
          title={t("attention.importNotStarted.title")}
          action={{ content: t("attention.open"), url: "/app/onboarding" }}
        >
          <p>{t("attention.importNotStarted.body")}</p>
        </Banner>
      );
    case "import_running": {
      const done = Object.values(item.progress.counts).reduce((a, b) => a + b, 0);
      const stage = stageWord(i18n, item.progress.stage);
      return (
        <Banner
          tone="info"
          title={t("attention.importRunning.title")}
          action={{ content: t("attention.open"), url: "/app/onboarding" }}
        >
          <p>{t("attention.importRunning.body", { stage, done: i18n.number(done) })}</p>
        </Banner>
      );
    }
    case "import_failed":
      return (
        <Banner
          tone="critical"
          title={t("attention.importFailed.title")}
          action={{ content: t("attention.open"), url: "/app/onboarding" }}
        >
          <p>{t("attention.importFailed.body", { error: adminErrorWords(i18n, adminProblemOf(item.error ?? "")) })}</p>
        </Banner>
      );
    case "pixel_not_connected":
      return (
        <Banner
          tone="warning"
          title={t("attention.pixelMissing.title")}
          action={{ content: t("attention.open"), url: "/app/onboarding" }}
        >
          <p>{t("attention.pixelMissing.body")}</p>
        </Banner>
      );
    case "no_scenario_enabled":
      return (
        <Banner
          tone="info"
          title={t("attention.noScenario.title")}
          action={{ content: t("attention.noScenario.action"), url: "/app/scenarios" }}
        >
          <p>{t("attention.noScenario.body")}</p>
        </Banner>
      );
    case "messages_failed":
      return (
        <Banner
          tone="critical"
          title={t("attention.messagesFailed.title", { count: item.count })}
          action={{ content: t("nav.customers"), url: "/app/customers" }}
        >
          <p>{t("attention.messagesFailed.body")}</p>
        </Banner>
      );
    case "first_purchase_by_repeat":
      return (
        <Banner tone="warning" title={t("attention.firstPurchaseByRepeat.title", { count: item.count })}>
          <p>{t("attention.firstPurchaseByRepeat.body")}</p>
        </Banner>
      );
  }
}

function Kpi(props: { label: string; value: string; help?: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {props.label}
        </Text>
        <Text as="p" variant="heading2xl">
          {props.value}
        </Text>
        {props.help ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {props.help}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export default function Home() {
  const overview = useLoaderData<typeof loader>();
  const i18n = useT();
  const { t } = i18n;
  const { kpis } = overview;
  const repeatRate = kpis.customers > 0 ? kpis.repeatCustomers / kpis.customers : 0;
  return (
    <>
      <PageTitle title={t("home.title")} />
      <Page>
        <Layout>
          {overview.isLocal ? (
            <Layout.Section>
              <Banner tone="info">
                <p>{t("common.localShop")}</p>
              </Banner>
            </Layout.Section>
          ) : null}
          <Layout.Section>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("home.attention")}
              </Text>
              <CheckoutGuardBanner state={overview.checkoutDiscount} />
              {overview.attention.length === 0 && overview.checkoutDiscount.state === "active" ? (
                <Banner tone="success">
                  <p>{t("home.allGood")}</p>
                </Banner>
              ) : (
                overview.attention.map((item) => <AttentionBanner key={item.code} item={item} i18n={i18n} />)
              )}
            </BlockStack>
          </Layout.Section>
          <Layout.Section>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("home.kpis")}
              </Text>
              <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
                <Kpi
                  label={t("home.kpi.customers")}
                  value={i18n.number(kpis.customers)}
                  help={t("home.kpi.newCustomers", { count: i18n.number(kpis.newCustomers) })}
                />
                <Kpi
                  label={t("home.kpi.repeatRate")}
                  value={i18n.percent(repeatRate)}
                  help={t("home.kpi.repeatRateHelp", {
                    repeat: i18n.number(kpis.repeatCustomers),
                    buyers: i18n.number(kpis.customers),
                  })}
                />
                <Kpi label={t("home.kpi.orders30d")} value={i18n.number(kpis.orders30d)} />
                <Kpi label={t("home.kpi.revenue30d")} value={i18n.money(kpis.netRevenue30d, overview.currency)} />
                <Kpi
                  label={t("home.kpi.sent30d")}
                  value={i18n.number(kpis.sent30d)}
                  help={t("home.kpi.heldOut30d", { count: i18n.number(kpis.heldOut30d) })}
                />
              </InlineGrid>
              {/* A state, not a 30-day figure: kept out of the period's tiles. */}
              <Text as="p" tone="subdued">
                {t("home.kpi.scenariosOn", { count: i18n.number(kpis.enabledScenarios) })}
              </Text>
            </BlockStack>
          </Layout.Section>
          <Layout.Section>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("home.guard")}
              </Text>
              <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
                <Kpi
                  label={t("home.guard.offersWithheld")}
                  value={i18n.number(overview.guard.offersWithheld)}
                  help={t("home.guard.offersWithheldHelp")}
                />
                <Kpi
                  label={t("home.guard.loyaltyVariantsSent")}
                  value={i18n.number(overview.guard.loyaltyVariantsSent)}
                  help={t("home.guard.loyaltyVariantsSentHelp")}
                />
                <Kpi
                  label={t("home.guard.redemptionsByRepeat")}
                  value={i18n.number(overview.guard.firstPurchaseRedemptionsByRepeat)}
                  help={t("home.guard.redemptionsByRepeatHelp")}
                />
              </InlineGrid>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Page>
    </>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
