import { PageTitle } from "~/components/PageTitle";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, Checkbox, DataTable, Link, Page, Text } from "@shopify/polaris";
import { AdminErrorBoundary } from "~/components/AdminErrorBoundary";
import { useT } from "~/i18n/i18n";
import { scenarioDescription, scenarioName } from "~/i18n/scenario-words";
import { readJson, toggleInput } from "~/modules/admin/scenarios/scenario-admin-input";
import { setScenarioConfig } from "~/modules/engine/scenarios/scenario-config.server";
import {
  listScenarioOverview,
  RESULTS_WINDOW_DAYS,
  type ScenarioOverview,
  type ScenarioStatus,
} from "~/modules/admin/scenarios/scenario-overview.server";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const [overview, { currency }] = await Promise.all([
    listScenarioOverview(db, shop.id, new Date()),
    db.shop.findUniqueOrThrow({ where: { id: shop.id }, select: { currency: true } }),
  ]);
  return { ...overview, currency, windowDays: RESULTS_WINDOW_DAYS };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const input = toggleInput.safeParse(await readJson(request));
  if (!input.success) return json({ ok: false as const, error: "bad_request" }, { status: 400 });
  const result = await setScenarioConfig(db, shop.id, input.data.key as ScenarioOverview["key"], {
    enabled: input.data.enabled,
  });
  if (!result.ok) return json({ ok: false as const, error: "invalid" }, { status: 400 });
  return json({ ok: true as const, key: input.data.key, enabled: result.config.enabled });
};

const STATUS_TONE: Record<ScenarioStatus, "success" | "warning" | undefined> = {
  running: "success",
  blocked: "warning",
  off: undefined,
  unavailable: undefined,
};

function ToggleCell({ scenario }: { scenario: ScenarioOverview }) {
  const fetcher = useFetcher<typeof action>();
  const { t, locale } = useT();
  const pending = fetcher.json as { enabled?: boolean } | undefined;
  const checked = pending?.enabled ?? scenario.enabled;
  return (
    <Checkbox
      label={t("scenarios.toggle", { name: scenarioName(scenario.key, locale) })}
      labelHidden
      checked={checked}
      disabled={!scenario.available && !scenario.enabled}
      onChange={(value) =>
        fetcher.submit(
          { intent: "toggle", key: scenario.key, enabled: value },
          { method: "post", encType: "application/json" },
        )
      }
    />
  );
}

export default function Scenarios() {
  const { scenarios, senderComplete, windowDays, currency } = useLoaderData<typeof loader>();
  const i18n = useT();
  const { t, locale } = i18n;
  const rows = scenarios.map((s) => [
    <BlockStack gap="050" key={s.key}>
      <Link url={`/app/scenarios/${s.key}`} removeUnderline>
        <Text as="span" fontWeight="semibold">
          {scenarioName(s.key, locale)}
        </Text>
      </Link>
      <Text as="span" variant="bodySm" tone="subdued">
        {s.available ? scenarioDescription(s.key, locale) : t("scenarios.unavailableHelp")}
      </Text>
    </BlockStack>,
    <Badge key="status" tone={STATUS_TONE[s.status]}>
      {t(`scenarios.status.${s.status}`)}
    </Badge>,
    i18n.number(s.results.sent),
    i18n.number(s.results.heldOut),
    i18n.number(s.results.opened),
    i18n.number(s.results.clicked),
    i18n.number(s.effect.attributedOrders),
    i18n.money(s.effect.attributedRevenue, currency),
    s.effect.lift ? (
      <Text as="span" key="lift" tone={s.effect.lift.conversionLiftLow > 0 ? "success" : undefined}>
        {i18n.percent(s.effect.lift.conversionLift)}
      </Text>
    ) : (
      <Text as="span" key="lift" tone="subdued">
        {t("scenarios.liftPending")}
      </Text>
    ),
    <ToggleCell key="toggle" scenario={s} />,
  ]);
  const anyBlocked = scenarios.some((s) => s.status === "blocked");
  return (
    <>
      <PageTitle title={t("scenarios.title")} />
      <Page subtitle={t("scenarios.subtitle", { days: windowDays })}>
        <BlockStack gap="400">
          {anyBlocked || !senderComplete ? (
            <Banner tone="warning" action={{ content: t("attention.senderMissing.action"), url: "/app/settings" }}>
              <p>{anyBlocked ? t("scenarios.blockedBanner") : t("attention.senderMissing.title")}</p>
            </Banner>
          ) : null}
          <Card padding="0">
            <DataTable
              columnContentTypes={[
                "text",
                "text",
                "numeric",
                "numeric",
                "numeric",
                "numeric",
                "numeric",
                "numeric",
                "numeric",
                "text",
              ]}
              headings={[
                t("scenarios.col.scenario"),
                t("scenarios.col.status"),
                t("scenarios.col.sent"),
                t("scenarios.col.heldOut"),
                t("scenarios.col.opened"),
                t("scenarios.col.clicked"),
                t("scenarios.col.orders"),
                t("scenarios.col.revenue"),
                t("scenarios.col.lift"),
                t("scenarios.col.switch"),
              ]}
              rows={rows}
              verticalAlign="middle"
            />
          </Card>
        </BlockStack>
      </Page>
    </>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
