import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { PageTitle } from "~/components/PageTitle";
import { AdminErrorBoundary } from "~/components/AdminErrorBoundary";
import { useSaveBarForm } from "~/components/PageSaveBar";
import { EmailContentEditor } from "~/components/EmailContentEditor";
import { ScenarioTrendChart, trendChartLinks } from "~/components/ScenarioTrendChart";
import { TestSendCard } from "~/components/TestSendCard";
import { useT, type I18n } from "~/i18n/i18n";
import { optionLabel, scenarioDescription, scenarioName, settingLabel } from "~/i18n/scenario-words";
import { fieldErrorText, localizeSettingError } from "~/i18n/setting-errors";
import {
  getEmailContent,
  mergeFieldsForScenario,
  saveEmailDesign,
} from "~/modules/engine/scenarios/email-content.server";
import { emailShopName, getEmailBrand } from "~/modules/delivery/mail/content/email-brand.server";
import {
  previewScenarioEmails,
  sendTestEmail,
  TEST_SENDS_PER_HOUR,
} from "~/modules/admin/scenarios/scenario-preview.server";
import { readJson, scenarioPageInput } from "~/modules/admin/scenarios/scenario-admin-input";
import { getScenarioConfig, setScenarioConfig } from "~/modules/engine/scenarios/scenario-config.server";
import {
  assignmentsFromForm,
  settingFields,
  type SettingFieldSpec,
  type SettingFormValues,
} from "~/modules/admin/scenarios/scenario-form";
import { isScenarioAvailable, RESULTS_WINDOW_DAYS } from "~/modules/admin/scenarios/scenario-overview.server";
import { EMPTY_RESULTS, scenarioResultsSince } from "~/modules/admin/scenarios/scenario-results.server";
import { scenarioWeeklyTrend } from "~/modules/admin/scenarios/scenario-trend.server";
import {
  SCENARIO_SCHEMAS,
  isScenarioKey,
  type ScenarioKey,
  type SettingError,
} from "~/modules/engine/scenarios/scenario-settings";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";
import { getShopSettings } from "~/modules/platform/settings/shop-settings.server";
import type { Db } from "~/db.server";

function scenarioKeyOf(params: { key?: string }): ScenarioKey {
  const key = params.key ?? "";
  if (!isScenarioKey(key)) throw new Response(null, { status: 404 });
  return key;
}

async function fieldsFor(db: Parameters<typeof getScenarioConfig>[0], shopId: string, key: ScenarioKey) {
  const config = await getScenarioConfig(db, shopId, key);
  return { config, fields: settingFields(SCENARIO_SCHEMAS[key], config.settings) };
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const key = scenarioKeyOf(params);
  const now = new Date();
  const [{ config, fields }, results, preview, email, trend] = await Promise.all([
    fieldsFor(db, shop.id, key),
    scenarioResultsSince(db, shop.id, new Date(now.getTime() - RESULTS_WINDOW_DAYS * 86_400_000)),
    previewScenarioEmails(db, shop.id, key, now),
    emailEditorData(db, shop.id, key),
    scenarioWeeklyTrend(db, shop.id, key, now),
  ]);
  return {
    key,
    enabled: config.enabled,
    available: isScenarioAvailable(key),
    fields,
    results: results[key] ?? EMPTY_RESULTS,
    preview,
    windowDays: RESULTS_WINDOW_DAYS,
    email,
    trend,
  };
};

export const links = () => trendChartLinks;

async function emailEditorData(db: Db, shopId: string, key: ScenarioKey) {
  const [content, brand, { settings }, shop] = await Promise.all([
    getEmailContent(db, shopId, key),
    getEmailBrand(db, shopId),
    getShopSettings(db, shopId),
    db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { name: true, domain: true } }),
  ]);
  return {
    content,
    brand,
    mergeFields: mergeFieldsForScenario(key),
    shopName: emailShopName(shop, null),
    senderEmail: settings.sender.email ?? "",
    testLimit: TEST_SENDS_PER_HOUR,
  };
}

// Typing in the email editor asks for a preview on every pause: that changes nothing the page shows.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) =>
  formAction?.endsWith("/preview") ? false : defaultShouldRevalidate;

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const key = scenarioKeyOf(params);
  const body = await readJson(request);
  const input = scenarioPageInput.safeParse(body);
  if (!input.success) {
    // the only free-form field of a test send is the address
    if ((body as { intent?: unknown } | null)?.intent === "testSend")
      return json(
        { intent: "testSend" as const, ok: false as const, problem: "bad_address" as const },
        { status: 400 },
      );
    return json({ intent: "invalid" as const, ok: false as const }, { status: 400 });
  }
  const data = input.data;
  if (data.intent === "toggle") {
    await setScenarioConfig(db, shop.id, key, { enabled: data.enabled });
    return json({ intent: "toggle" as const, ok: true as const });
  }
  if (data.intent === "save") {
    const { fields } = await fieldsFor(db, shop.id, key);
    const result = await setScenarioConfig(db, shop.id, key, { assignments: assignmentsFromForm(fields, data.values) });
    if (!result.ok)
      return json({ intent: "save" as const, ok: false as const, errors: result.errors }, { status: 400 });
    return json({ intent: "save" as const, ok: true as const });
  }
  if (data.intent === "saveContent") {
    const saved = await saveEmailDesign(db, shop.id, key, { content: data.content, brand: data.brand });
    if (!saved.ok)
      return json({ intent: "saveContent" as const, ok: false as const, errors: saved.errors }, { status: 400 });
    return json({ intent: "saveContent" as const, ok: true as const });
  }
  const sent = await sendTestEmail(db, shop.domain, key, {
    locale: data.locale,
    now: new Date(),
    to: data.to,
    customerId: data.customerId ?? null,
  });
  return json({ intent: "testSend" as const, ...sent }, { status: sent.ok ? 200 : 422 });
};

function initialValues(fields: SettingFieldSpec[]): SettingFormValues {
  return Object.fromEntries(fields.map((f) => [f.path, f.value]));
}

function Field(props: {
  field: SettingFieldSpec;
  value: string | boolean;
  error?: string;
  onChange: (value: string | boolean) => void;
  i18n: I18n;
}) {
  const { field, value, error, i18n } = props;
  const label = settingLabel(field.path, i18n.locale);
  if (field.kind === "boolean")
    return <Checkbox label={label} checked={value === true} onChange={(v) => props.onChange(v)} error={error} />;
  if (field.kind === "choice") {
    return (
      <Select
        label={label}
        options={field.options.map((o) => ({ label: optionLabel(o, i18n.locale), value: o }))}
        value={String(value)}
        onChange={(v) => props.onChange(v)}
        error={error}
      />
    );
  }
  return (
    <TextField
      label={label}
      type={field.kind === "number" ? "number" : "text"}
      value={String(value)}
      onChange={(v) => props.onChange(v)}
      error={error}
      autoComplete="off"
      helpText={field.kind === "numberList" ? "30,7" : undefined}
      name={field.path}
    />
  );
}

export default function ScenarioPage() {
  const data = useLoaderData<typeof loader>();
  const i18n = useT();
  const { t, locale } = i18n;
  const save = useFetcher<typeof action>();
  const toggle = useFetcher<typeof action>();
  const [values, setValues] = useState<SettingFormValues>(() => initialValues(data.fields));
  // Another scenario, or a successful save: the form shows what is stored. After a refused save
  // it keeps what the merchant typed.
  const saved = save.state === "idle" && save.data?.intent === "save" && save.data.ok;
  // Only a change of scenario resets here: data.fields is a new object on every revalidation.
  useEffect(() => setValues(initialValues(data.fields)), [data.key]);
  useEffect(() => {
    if (saved) setValues(initialValues(data.fields));
  }, [saved, data.fields]);

  const navigate = useNavigate();
  const [discarded, setDiscarded] = useState(false);
  useSaveBarForm("scenario-settings", {
    dirty: JSON.stringify(values) !== JSON.stringify(initialValues(data.fields)),
    saving: save.state !== "idle",
    save: () => {
      setDiscarded(false);
      save.submit({ intent: "save", values }, { method: "post", encType: "application/json" });
    },
    discard: () => {
      setValues(initialValues(data.fields));
      setDiscarded(true);
    },
  });
  const saveResult = save.data?.intent === "save" && !discarded ? save.data : null;
  const errors: SettingError[] = saveResult && !saveResult.ok ? saveResult.errors : [];
  const fieldPaths = new Set(data.fields.map((f) => f.path));
  const errorFor = (path: string) => fieldErrorText(errors, path, locale);
  const otherErrors = errors.filter((e) => !fieldPaths.has(e.field));
  const enabled = (toggle.json as { enabled?: boolean } | undefined)?.enabled ?? data.enabled;
  const name = scenarioName(data.key, locale);

  return (
    <>
      <PageTitle title={name}>
        <button variant="breadcrumb" onClick={() => navigate("/app/scenarios")}>
          {t("scenario.back")}
        </button>
      </PageTitle>
      <Page subtitle={scenarioDescription(data.key, locale)}>
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              {!data.available ? (
                <Banner tone="info">
                  <p>{t("scenarios.unavailableHelp")}</p>
                </Banner>
              ) : null}
              <Card>
                <InlineStack align="space-between" blockAlign="center">
                  <Checkbox
                    label={t("scenario.enabled")}
                    checked={enabled}
                    disabled={!data.available && !data.enabled}
                    onChange={(value) =>
                      toggle.submit(
                        { intent: "toggle", enabled: value },
                        { method: "post", encType: "application/json" },
                      )
                    }
                  />
                  <Badge tone={enabled ? "success" : undefined}>{enabled ? t("common.on") : t("common.off")}</Badge>
                </InlineStack>
              </Card>
              <Card>
                <BlockStack gap="400">
                  <Text as="h2" variant="headingMd">
                    {t("scenario.settings")}
                  </Text>
                  {saveResult?.ok ? (
                    <Banner tone="success">
                      <p>{t("common.saved")}</p>
                    </Banner>
                  ) : null}
                  {errors.length > 0 ? (
                    <Banner tone="critical">
                      <p>{t("common.fixErrors")}</p>
                      {otherErrors.map((e) => (
                        <p key={e.field + e.message}>{`${e.field}: ${localizeSettingError(e.message, locale)}`}</p>
                      ))}
                    </Banner>
                  ) : null}
                  <FormLayout>
                    {data.fields.map((field) => (
                      <Field
                        key={field.path}
                        field={field}
                        value={values[field.path] ?? field.value}
                        error={errorFor(field.path)}
                        onChange={(value) => setValues((current) => ({ ...current, [field.path]: value }))}
                        i18n={i18n}
                      />
                    ))}
                  </FormLayout>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("scenario.results", { days: data.windowDays })}
                </Text>
                {(
                  [
                    ["scenarios.col.sent", data.results.sent],
                    ["scenarios.col.heldOut", data.results.heldOut],
                    ["scenarios.col.opened", data.results.opened],
                    ["scenarios.col.clicked", data.results.clicked],
                    ["status.skipped", data.results.skipped],
                    ["status.failed", data.results.failed],
                  ] as const
                ).map(([label, value]) => (
                  <InlineStack key={label} align="space-between">
                    <Text as="span">{t(label)}</Text>
                    <Text as="span" fontWeight="semibold">
                      {i18n.number(value)}
                    </Text>
                  </InlineStack>
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section>
            <ScenarioTrendChart trend={data.trend} />
          </Layout.Section>
          <Layout.Section>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t("scenario.preview")}
              </Text>
              {data.preview ? (
                <>
                  <Text as="p" tone="subdued">
                    {t("scenario.previewHelp")}
                  </Text>
                  {data.preview.products === "placeholder" ? (
                    <Banner tone="info">
                      <p>{t("scenario.previewPlaceholder")}</p>
                    </Banner>
                  ) : null}
                  {!data.preview.senderComplete ? (
                    <Banner
                      tone="warning"
                      action={{ content: t("attention.senderMissing.action"), url: "/app/settings" }}
                    >
                      <p>{t("scenario.previewSender")}</p>
                    </Banner>
                  ) : null}
                  <EmailContentEditor
                    scenarioKey={data.key}
                    content={data.email.content}
                    brand={data.email.brand}
                    defaults={{ ja: data.preview.ja.defaults, en: data.preview.en.defaults }}
                    preview={{ ja: data.preview.ja, en: data.preview.en }}
                    mergeFields={data.email.mergeFields}
                    shopName={data.email.shopName}
                    i18n={i18n}
                  />
                  <TestSendCard senderEmail={data.email.senderEmail} limit={data.email.testLimit} i18n={i18n} />
                </>
              ) : (
                <Banner tone="info">
                  <p>{t("scenario.noTemplate")}</p>
                </Banner>
              )}
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Page>
    </>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
