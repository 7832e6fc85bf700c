import { PageTitle } from "~/components/PageTitle";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { useEffect } from "react";
import { z } from "zod";
import { AdminErrorBoundary } from "~/components/AdminErrorBoundary";
import { CheckoutDiscountActivate } from "~/components/CheckoutDiscountActivate";
import { adminErrorWords } from "~/i18n/admin-error-words";
import { adminProblemOf } from "~/modules/platform/shopify/admin-problem";
import { useT, type I18n } from "~/i18n/i18n";
import { stageWord } from "~/i18n/value-words";
import { getEnv } from "~/env.server";
import { activateCheckoutDiscountFromAdmin } from "~/modules/admin/guard/checkout-discount-admin.server";
import {
  getCheckoutDiscountState,
  getOnboardingStatus,
  themeEmbedEditorUrl,
  type CheckoutDiscountState,
} from "~/modules/admin/shops/onboarding-status.server";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const [status, checkoutDiscount] = await Promise.all([
    getOnboardingStatus(db, shop.id),
    getCheckoutDiscountState(db, shop),
  ]);
  return { ...status, checkoutDiscount, themeEditorUrl: themeEmbedEditorUrl(shop.domain, getEnv().SHOPIFY_API_KEY) };
};

const actionInput = z.object({ intent: z.literal("activateCheckoutDiscount") });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const form = await request.formData().catch(() => null);
  const input = actionInput.safeParse(form ? Object.fromEntries(form) : null);
  if (!input.success) return json({ ok: false as const, reason: "invalid" as const }, { status: 400 });
  const result = await activateCheckoutDiscountFromAdmin({ db, shop, now: new Date() });
  // Shopify's refusal is not the merchant's bad input: 502 for the Admin API, 409 for a missing deploy.
  return json(result, { status: result.ok ? 200 : result.reason === "function_not_deployed" ? 409 : 502 });
};

function discountBadge(state: CheckoutDiscountState, t: I18n["t"]) {
  switch (state.state) {
    case "active":
      return <Badge tone="success">{t("onboarding.active")}</Badge>;
    case "inactive":
    case "not_created":
      return <Badge tone="warning">{t("onboarding.discount.inactive")}</Badge>;
    case "function_not_deployed":
      return <Badge tone="critical">{t("onboarding.discount.notDeployed")}</Badge>;
    case "unknown":
      return <Badge>{t("onboarding.discount.unknown")}</Badge>;
  }
}

function discountHelp(state: CheckoutDiscountState, i18n: I18n): string {
  const { t } = i18n;
  switch (state.state) {
    case "active":
      return t("onboarding.discount.activeHelp");
    case "inactive":
      return t("onboarding.discount.inactiveHelp");
    case "not_created":
      return t("onboarding.discount.notCreatedHelp");
    case "function_not_deployed":
      return t("onboarding.discount.notDeployedHelp");
    case "unknown":
      return t("onboarding.discount.couldNotCheck", { error: adminErrorWords(i18n, state.problem) });
  }
}

function CheckoutDiscountCard({ state }: { state: CheckoutDiscountState }) {
  const i18n = useT();
  const { t } = i18n;
  const canActivate = state.state === "not_created" || state.state === "inactive";
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("onboarding.discountFunction")}
          </Text>
          {discountBadge(state, t)}
        </InlineStack>
        <Text as="p">{t("onboarding.discountFunctionHelp")}</Text>
        <Text as="p" tone={state.state === "unknown" ? "critical" : "subdued"}>
          {discountHelp(state, i18n)}
        </Text>
        <CheckoutDiscountActivate canActivate={canActivate} />
      </BlockStack>
    </Card>
  );
}

const REFRESH_MS = 5_000;

export default function Onboarding() {
  const status = useLoaderData<typeof loader>();
  const i18n = useT();
  const { t } = i18n;
  const revalidator = useRevalidator();
  const job = status.import;
  const running = job !== null && (job.status === "running" || job.status === "queued");
  // A running import reports progress on its job row: poll while it runs.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  return (
    <>
      <PageTitle title={t("onboarding.title")} />
      <Page>
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      {t("onboarding.import")}
                    </Text>
                    {job ? (
                      <Badge tone={job.status === "done" ? "success" : job.status === "failed" ? "critical" : "info"}>
                        {job.status === "running"
                          ? t("onboarding.importStatus.running", { stage: stageWord(i18n, job.stage) })
                          : t(`onboarding.importStatus.${job.status}`)}
                      </Badge>
                    ) : null}
                  </InlineStack>
                  <Text as="p" tone="subdued">
                    {t("onboarding.importHelp")}
                  </Text>
                  {job ? (
                    <>
                      <ProgressBar
                        progress={Math.round(job.progress * 100)}
                        tone={job.status === "failed" ? "critical" : job.status === "done" ? "success" : "highlight"}
                      />
                      <Text as="p">
                        {t("onboarding.importCounts", {
                          products: i18n.number(job.counts.products ?? 0),
                          customers: i18n.number(job.counts.customers ?? 0),
                          orders: i18n.number(job.counts.orders ?? 0),
                        })}
                      </Text>
                      {running && job.objectCount !== null ? (
                        <Text as="p" tone="subdued">
                          {t("onboarding.importStageLines", {
                            stage: stageWord(i18n, job.stage),
                            done: i18n.number(job.linesDone),
                            total: i18n.number(job.objectCount),
                          })}
                          {job.secondsLeft !== null
                            ? ` · ${job.secondsLeft < 60 ? t("onboarding.importTimeLeftSeconds") : t("onboarding.importTimeLeftMinutes", { minutes: i18n.number(Math.ceil(job.secondsLeft / 60)) })}`
                            : ""}
                        </Text>
                      ) : null}
                      {job.status === "failed" && job.error ? (
                        <Banner tone="critical">
                          <p>
                            {t("onboarding.importFailedHelp", {
                              error: adminErrorWords(i18n, adminProblemOf(job.error)),
                            })}
                          </p>
                        </Banner>
                      ) : null}
                      {running ? (
                        <InlineStack>
                          <Button onClick={() => revalidator.revalidate()} loading={revalidator.state !== "idle"}>
                            {t("onboarding.refresh")}
                          </Button>
                        </InlineStack>
                      ) : null}
                    </>
                  ) : (
                    <Text as="p">{t("onboarding.importNone")}</Text>
                  )}
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      {t("onboarding.pixel")}
                    </Text>
                    <Badge tone={status.pixel.connected ? "success" : "warning"}>
                      {status.pixel.connected ? t("onboarding.active") : t("onboarding.inactive")}
                    </Badge>
                  </InlineStack>
                  <Text as="p">{status.pixel.connected ? t("onboarding.pixelOn") : t("onboarding.pixelOff")}</Text>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      {t("onboarding.themeEmbed")}
                    </Text>
                    <Badge>{t("onboarding.themeEmbedState")}</Badge>
                  </InlineStack>
                  <Text as="p">{t("onboarding.themeEmbedHelp")}</Text>
                  <Text as="p" tone="subdued">
                    {t("onboarding.themeEmbedMark")}
                  </Text>
                  <InlineStack>
                    <Button url={status.themeEditorUrl} target="_top">
                      {t("onboarding.themeEmbedOpen")}
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Card>
              <CheckoutDiscountCard state={status.checkoutDiscount} />
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Page>
    </>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
