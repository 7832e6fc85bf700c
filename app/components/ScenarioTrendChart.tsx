// The scenario page's weekly trend (sent, opened, clicked, orders): a polaris-viz line chart, in
// its own component so the scenario route stays small. polaris-viz measures its container in
// the browser, so the chart draws after hydration; the figures are also a table for screen readers.
import { BlockStack, Card, Text } from "@shopify/polaris";
import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css";
import { useEffect, useState } from "react";
import { useT } from "~/i18n/i18n";
import type { TrendWeek } from "~/modules/admin/scenarios/scenario-trend.server";

export const trendChartLinks = [{ rel: "stylesheet", href: vizStyles }];

const SERIES = ["sent", "opened", "clicked", "orders"] as const;

export function ScenarioTrendChart({ trend }: { trend: TrendWeek[] }) {
  const i18n = useT();
  const { t } = i18n;
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const label = (week: TrendWeek) => i18n.date(week.from);
  const data = SERIES.map((series) => ({
    name: t(`scenario.trend.${series}`),
    data: trend.map((week) => ({ key: label(week), value: week[series] })),
  }));
  const empty = trend.every((week) => week.sent === 0 && week.orders === 0);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("scenario.trend.title", { weeks: trend.length })}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {t("scenario.trend.help")}
        </Text>
        {empty ? (
          <Text as="p" tone="subdued">
            {t("scenario.trend.empty")}
          </Text>
        ) : (
          <div style={{ height: 240 }} data-testid="scenario-trend">
            {mounted ? (
              <PolarisVizProvider>
                <LineChart data={data} />
              </PolarisVizProvider>
            ) : null}
          </div>
        )}
      </BlockStack>
    </Card>
  );
}
