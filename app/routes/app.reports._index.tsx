import { PageTitle } from "~/components/PageTitle";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { BarChart, LineChart, PolarisVizProvider, type DataSeries } from "@shopify/polaris-viz";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css";
import { useEffect, useState, type ReactNode } from "react";
import { AdminErrorBoundary } from "~/components/AdminErrorBoundary";
import type { MessageKey } from "~/i18n/en";
import { useT, type I18n } from "~/i18n/i18n";
import { scenarioName } from "~/i18n/scenario-words";
import {
  getAllReports,
  ReportRangeError,
  resolveReportRange,
  type AllReports,
  type ClvReport,
  type LiftEstimate,
} from "~/modules/reports";
import { LIFT_MIN_GROUP_SIZE } from "~/modules/reports/lift";
import { signedPoints } from "~/modules/reports/stats";
import type { CsvReport } from "~/modules/reports/export/report-csv";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const url = new URL(request.url);
  const from = url.searchParams.get("from") || null;
  const to = url.searchParams.get("to") || null;
  try {
    const range = await resolveReportRange(db, shop.id, { from, to });
    return { reports: await getAllReports(db, shop.id, range), rangeError: null, from, to };
  } catch (error) {
    if (error instanceof ReportRangeError) return { reports: null, rangeError: error.message, from, to };
    throw error;
  }
};

/** polaris-viz measures its container in the browser: charts render after hydration. */
function ChartBox(props: { children: ReactNode; height?: number }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return <div style={{ height: props.height ?? 260 }}>{mounted ? props.children : null}</div>;
}

function CsvButton({ report, reports }: { report: CsvReport; reports: AllReports }) {
  const { t } = useT();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const query = new URLSearchParams({ report, from: reports.fromDate, to: reports.toDate });
      // fetch, not a link: App Bridge adds the session token to fetch requests only.
      const response = await fetch(`/app/reports/csv?${query}`);
      if (!response.ok) throw new Error(await response.text());
      const blob = await response.blob();
      const href = URL.createObjectURL(blob);
      const anchor = document.createElement("a");
      anchor.href = href;
      anchor.download = `joren-${report}-${reports.fromDate}-${reports.toDate}.csv`;
      anchor.click();
      URL.revokeObjectURL(href);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button size="slim" loading={busy} onClick={download} accessibilityLabel={`${t("reports.exportCsv")}: ${report}`}>
      {t("reports.exportCsv")}
    </Button>
  );
}

function ReportCard(props: {
  title: MessageKey;
  report: CsvReport;
  reports: AllReports;
  figures?: [string, string][];
  children?: ReactNode;
}) {
  const { t } = useT();
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t(props.title)}
          </Text>
          <CsvButton report={props.report} reports={props.reports} />
        </InlineStack>
        {props.figures ? (
          <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
            {props.figures.map(([label, value]) => (
              <BlockStack key={label} gap="050">
                <Text as="span" variant="bodySm" tone="subdued">
                  {label}
                </Text>
                <Text as="span" variant="headingLg">
                  {value}
                </Text>
              </BlockStack>
            ))}
          </InlineGrid>
        ) : null}
        {props.children}
      </BlockStack>
    </Card>
  );
}

function rate(i18n: I18n, value: number | null): string {
  return value === null ? i18n.t("common.none") : i18n.percent(value);
}

/** A difference of rates in percentage points, signed ("+5.0 pp" / "+5.0ポイント"): a lift is not a relative %. */
function points(i18n: I18n, difference: number): string {
  return i18n.t("reports.pp", { value: signedPoints(difference) });
}

/** The conversion lift with its interval, or "not enough data yet" below the minimum group size. */
function liftCell(i18n: I18n, lift: LiftEstimate | null): string {
  if (!lift) return i18n.t("reports.liftPending");
  if (!lift.enoughData)
    return i18n.t("reports.notEnoughData", {
      sent: i18n.number(lift.sentRows),
      held: i18n.number(lift.heldOutRows),
      min: LIFT_MIN_GROUP_SIZE,
    });
  return i18n.t("reports.liftInterval", {
    lift: points(i18n, lift.conversionLift),
    low: points(i18n, lift.conversionLiftLow),
    high: points(i18n, lift.conversionLiftHigh),
  });
}

/** Incremental revenue (the holdout's answer) with its interval, under the same minimum. */
function incrementalCell(i18n: I18n, lift: LiftEstimate | null, money: (n: number) => string): string {
  if (!lift) return i18n.t("reports.liftPending");
  if (!lift.enoughData)
    return i18n.t("reports.notEnoughData", {
      sent: i18n.number(lift.sentRows),
      held: i18n.number(lift.heldOutRows),
      min: LIFT_MIN_GROUP_SIZE,
    });
  return i18n.t("reports.liftInterval", {
    lift: money(lift.incrementalRevenue),
    low: money(lift.incrementalRevenueLow),
    high: money(lift.incrementalRevenueHigh),
  });
}

function ClvModel({ clv }: { clv: ClvReport }) {
  const i18n = useT();
  const { t } = i18n;
  const params = clv.parameters;
  const check = clv.check;
  return (
    <BlockStack gap="200">
      <Text as="p" variant="bodySm" tone="subdued">
        {clv.method === "bgnbd_gamma_gamma"
          ? t("reports.clv.model")
          : t("reports.clv.historical", { reason: clv.reason ?? "" })}
      </Text>
      {params ? (
        <Text as="p" variant="bodySm" tone="subdued">
          {t("reports.clv.parameters", { ...params.bgnbd, ...params.gammaGamma, at: i18n.dateTime(clv.measuredAt) })}
        </Text>
      ) : null}
      {check ? (
        <>
          <Text as="p" variant="bodySm">
            {t("reports.clv.check", {
              from: i18n.date(check.calibrationEnd),
              weeks: i18n.number(check.weeks),
              predicted: i18n.number(check.predictedRepeatPurchases),
              actual: i18n.number(check.actualRepeatPurchases),
              error:
                check.relativeError === null
                  ? t("common.none")
                  : t("reports.clv.checkError", { value: i18n.percent(Math.abs(check.relativeError)) }),
            })}
            {check.kind === "split" ? ` ${t("reports.clv.checkSplit", { weeks: i18n.number(check.weeks) })}` : ""}
          </Text>
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric"]}
            headings={[
              t("reports.clv.col.purchases"),
              t("reports.customers"),
              t("reports.clv.col.predicted"),
              t("reports.clv.col.actual"),
            ]}
            rows={check.byPurchases.map((b) => [
              b.purchases,
              i18n.number(b.customers),
              i18n.number(b.predicted),
              i18n.number(b.actual),
            ])}
          />
        </>
      ) : (
        <Text as="p" variant="bodySm" tone="subdued">
          {t("reports.clv.checkNone", { reason: clv.checkReason ?? "" })}
        </Text>
      )}
    </BlockStack>
  );
}

function Reports({ reports }: { reports: AllReports }) {
  const i18n = useT();
  const { t, locale } = i18n;
  const money = (n: number) => i18n.money(n, reports.currency);
  const s = reports.summary;
  const ltvSeries: DataSeries[] = (["at30", "at90", "at180", "at365"] as const).map((h) => ({
    name: t(`reports.ltv.${h}`),
    data: reports.ltv.cohorts.map((c) => ({ key: c.cohort, value: c[h] })),
  }));
  const retentionSeries: DataSeries[] = reports.cohorts.cohorts.slice(-6).map((c) => ({
    name: c.cohort,
    data: c.retention.map((value, k) => ({ key: String(k), value: value * 100 })),
  }));
  const width = Math.max(0, ...reports.cohorts.cohorts.map((c) => c.retention.length));
  return (
    <BlockStack gap="400">
      <ReportCard
        title="reports.summary"
        report="summary"
        reports={reports}
        figures={[
          [t("reports.customers"), i18n.number(s.customers)],
          [t("reports.newCustomers"), i18n.number(s.newCustomers)],
          [t("reports.orders"), i18n.number(s.orders)],
          [t("reports.netRevenue"), money(s.netRevenue)],
          [t("reports.aov"), money(s.averageOrderValue)],
          [t("reports.repeatRate"), rate(i18n, s.repeatRate)],
        ]}
      >
        <Text as="p" variant="bodySm" tone="subdued">
          {t("reports.repeatRateHelp", { repeat: i18n.number(s.repeatCustomers), customers: i18n.number(s.customers) })}
        </Text>
      </ReportCard>
      <ReportCard
        title="reports.ltv"
        report="ltv"
        reports={reports}
        figures={[
          [t("reports.ltv.average"), money(reports.ltv.average)],
          [t("reports.ltv.median"), money(reports.ltv.median)],
          [t("reports.ltv.clv"), money(reports.clv.averagePredicted12m)],
          [t("reports.customers"), i18n.number(reports.ltv.customers)],
        ]}
      >
        {reports.ltv.cohorts.length ? (
          <ChartBox>
            <BarChart data={ltvSeries} xAxisOptions={{}} yAxisOptions={{ labelFormatter: (v) => money(Number(v)) }} />
          </ChartBox>
        ) : null}
        <ClvModel clv={reports.clv} />
      </ReportCard>
      <ReportCard
        title="reports.repeat"
        report="repeat"
        reports={reports}
        figures={[
          [t("reports.f2"), rate(i18n, reports.repeat.f2Rate)],
          [t("reports.f3"), rate(i18n, reports.repeat.f3Rate)],
          [
            t("reports.medianDays"),
            reports.repeat.medianDaysToSecondOrder === null
              ? t("common.none")
              : i18n.number(reports.repeat.medianDaysToSecondOrder),
          ],
        ]}
      >
        <ChartBox>
          <BarChart
            data={[
              {
                name: t("reports.customers"),
                data: reports.repeat.funnel.map((f) => ({
                  key: f.stage >= 5 ? "F5+" : `F${f.stage}`,
                  value: f.customers,
                })),
              },
            ]}
          />
        </ChartBox>
        <Text as="p" variant="bodySm" tone="subdued">
          {t("reports.f2Help")}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {reports.repeat.f2Within
            .map((w) => t("reports.f2Within", { days: w.days, rate: rate(i18n, w.rate) }))
            .join(" · ")}
        </Text>
      </ReportCard>
      <ReportCard title="reports.cohorts" report="cohorts" reports={reports}>
        {reports.cohorts.cohorts.length ? (
          <>
            <ChartBox>
              <LineChart data={retentionSeries} yAxisOptions={{ labelFormatter: (v) => `${Number(v).toFixed(0)}%` }} />
            </ChartBox>
            <DataTable
              columnContentTypes={["text", "numeric", ...Array.from({ length: width }, () => "numeric" as const)]}
              headings={[
                t("reports.cohort"),
                t("reports.customers"),
                ...Array.from({ length: width }, (_, k) => `+${k}`),
              ]}
              rows={reports.cohorts.cohorts.map((c) => [
                c.cohort,
                i18n.number(c.customers),
                ...Array.from({ length: width }, (_, k) =>
                  c.retention[k] === undefined ? "" : i18n.percent(c.retention[k]),
                ),
              ])}
            />
          </>
        ) : (
          <Text as="p" tone="subdued">
            {t("reports.empty")}
          </Text>
        )}
      </ReportCard>
      <ReportCard
        title="reports.pareto"
        report="pareto"
        reports={reports}
        figures={[[t("reports.top20"), rate(i18n, reports.pareto.top20Share)]]}
      >
        <ChartBox>
          <BarChart
            data={[
              {
                name: t("reports.share"),
                data: reports.pareto.deciles.map((d) => ({ key: `${d.decile * 10}%`, value: d.share * 100 })),
              },
            ]}
            yAxisOptions={{ labelFormatter: (v) => `${Number(v).toFixed(0)}%` }}
          />
        </ChartBox>
      </ReportCard>
      <ReportCard title="reports.rfm" report="rfm" reports={reports}>
        <ChartBox height={320}>
          <BarChart
            direction="horizontal"
            data={[
              {
                name: t("reports.customers"),
                data: reports.rfm.segments.map((seg) => ({ key: seg.label[locale], value: seg.customers })),
              },
            ]}
          />
        </ChartBox>
      </ReportCard>
      <ReportCard
        title="reports.scenarios"
        report="scenarios"
        reports={reports}
        figures={[
          [t("reports.incrementalRevenue"), incrementalCell(i18n, reports.scenarios.total.lift, money)],
          [t("reports.lastTouchRevenue"), money(reports.scenarios.total.attributedRevenue)],
          [t("reports.lift"), liftCell(i18n, reports.scenarios.total.lift)],
          [
            t("reports.emailRevenueChange"),
            reports.emailRevenue.change === null ? t("common.none") : i18n.percent(reports.emailRevenue.change),
          ],
        ]}
      >
        <Text as="p" variant="bodySm" tone="subdued">
          {t("reports.incrementalRevenueHelp")}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {reports.scenarios.openAttributionDays > 0
            ? t("reports.lastTouchHelp", {
                clickDays: reports.scenarios.attributionDays,
                openDays: reports.scenarios.openAttributionDays,
              })
            : t("reports.lastTouchHelpClicksOnly", { clickDays: reports.scenarios.attributionDays })}
        </Text>
        <ChartBox>
          <BarChart
            data={[
              {
                name: t("reports.lastTouchRevenue"),
                data: reports.scenarios.scenarios.map((sc) => ({
                  key: scenarioName(sc.key, locale),
                  value: sc.attributedRevenue,
                })),
              },
            ]}
          />
        </ChartBox>
        <DataTable
          columnContentTypes={[
            "text",
            "numeric",
            "numeric",
            "numeric",
            "numeric",
            "numeric",
            "numeric",
            "text",
            "text",
          ]}
          headings={[
            t("scenarios.col.scenario"),
            t("scenarios.col.sent"),
            t("scenarios.col.heldOut"),
            t("reports.col.opened"),
            t("scenarios.col.clicked"),
            t("reports.col.lastTouchOrders"),
            t("reports.col.lastTouchRevenue"),
            t("reports.col.incremental"),
            t("reports.col.liftPp"),
          ]}
          rows={[...reports.scenarios.scenarios, reports.scenarios.total].map((sc) => [
            sc.key === reports.scenarios.total.key ? t("reports.total") : scenarioName(sc.key, locale),
            i18n.number(sc.sent),
            i18n.number(sc.heldOut),
            i18n.number(sc.opened),
            i18n.number(sc.clicked),
            i18n.number(sc.attributedOrders),
            money(sc.attributedRevenue),
            incrementalCell(i18n, sc.lift, money),
            liftCell(i18n, sc.lift),
          ])}
        />
      </ReportCard>
      <ReportCard
        title="reports.emailRevenue"
        report="email_revenue"
        reports={reports}
        figures={[
          [t("reports.thisPeriod"), money(reports.emailRevenue.current.attributedRevenue)],
          [t("reports.lastYear"), money(reports.emailRevenue.previousYear.attributedRevenue)],
        ]}
      />
    </BlockStack>
  );
}

export default function ReportsPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useT();
  const navigation = useNavigation();
  const [from, setFrom] = useState(data.reports?.fromDate ?? data.from ?? "");
  const [to, setTo] = useState(data.reports?.toDate ?? data.to ?? "");
  return (
    <>
      <PageTitle title={t("reports.title")} />
      <Page
        subtitle={
          data.reports
            ? t("reports.range", {
                from: data.reports.fromDate,
                to: data.reports.toDate,
                timezone: data.reports.timezone,
              })
            : undefined
        }
      >
        <PolarisVizProvider>
          <Layout>
            <Layout.Section>
              <BlockStack gap="400">
                <Card>
                  <Form method="get">
                    <InlineStack gap="300" blockAlign="end">
                      <TextField
                        label={t("reports.from")}
                        type="date"
                        name="from"
                        value={from}
                        onChange={setFrom}
                        autoComplete="off"
                      />
                      <TextField
                        label={t("reports.to")}
                        type="date"
                        name="to"
                        value={to}
                        onChange={setTo}
                        autoComplete="off"
                      />
                      <Button
                        submit
                        loading={navigation.state === "loading" && navigation.location.pathname === "/app/reports"}
                      >
                        {t("reports.apply")}
                      </Button>
                    </InlineStack>
                  </Form>
                </Card>
                {data.rangeError ? (
                  <Banner tone="critical" title={t("reports.badRange")}>
                    <p>{data.rangeError}</p>
                  </Banner>
                ) : null}
                {data.reports && data.reports.summary.orders === 0 ? (
                  <Banner tone="info">
                    <p>{t("reports.empty")}</p>
                  </Banner>
                ) : null}
                {data.reports ? <Reports reports={data.reports} /> : null}
              </BlockStack>
            </Layout.Section>
          </Layout>
        </PolarisVizProvider>
      </Page>
    </>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
