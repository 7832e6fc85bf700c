import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
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
import type { MessageKey } from "~/i18n/en";
import { adminErrorWords } from "~/i18n/admin-error-words";
import { useT } from "~/i18n/i18n";
import { fieldErrorText } from "~/i18n/setting-errors";
import { syncCheckoutDiscountFromAdmin } from "~/modules/admin/guard/checkout-discount-admin.server";
import { LOYALTY_VARIANTS, type SettingError } from "~/modules/platform/settings/shop-settings";
import { readJson } from "~/modules/admin/scenarios/scenario-admin-input";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";
import {
  formToAssignments,
  settingsPageInput,
  settingsToForm,
  type SettingsFormName,
  type SettingsFormValues,
} from "~/modules/admin/shops/settings-form";
import { assignShopSettings, getShopSettings } from "~/modules/platform/settings/shop-settings.server";
import {
  saveSendgridKey,
  SendgridKeyInputError,
  sendgridKeyStatus,
} from "~/modules/platform/secrets/sendgrid-key.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const [{ settings }, sendgrid] = await Promise.all([getShopSettings(db, shop.id), sendgridKeyStatus(db, shop.id)]);
  return { form: settingsToForm(settings), sendgrid };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const input = settingsPageInput.safeParse(await readJson(request));
  if (!input.success)
    return json({ intent: "invalid" as const, ok: false as const, errors: [] as SettingError[] }, { status: 400 });
  if (input.data.intent === "sendgridKey") {
    // Write-only: the key is stored encrypted and never sent back, only its last four characters.
    try {
      await saveSendgridKey(db, shop.id, input.data.key);
    } catch (error) {
      if (!(error instanceof SendgridKeyInputError)) throw error;
      return json(
        {
          intent: "sendgridKey" as const,
          ok: false as const,
          errors: [] as SettingError[],
          message: { en: error.message, ja: error.messageJa },
        },
        { status: 400 },
      );
    }
    return json({
      intent: "sendgridKey" as const,
      ok: true as const,
      errors: [] as SettingError[],
      removed: input.data.key === null,
    });
  }
  const result = await assignShopSettings(db, shop.id, formToAssignments(input.data.form));
  if (!result.ok) return json({ intent: "save" as const, ok: false as const, errors: result.errors }, { status: 400 });
  // The settings are stored by now; the checkout Function's copy is refreshed after, and its
  // failure is only reported (the save stands, saving again retries).
  const sync = await syncCheckoutDiscountFromAdmin({ db, shop });
  return json({
    intent: "save" as const,
    ok: true as const,
    errors: [] as SettingError[],
    discountSyncError: sync.ok ? null : sync.problem,
  });
};

const HOURS = Array.from({ length: 24 }, (_, h) => ({ label: `${String(h).padStart(2, "0")}:00`, value: String(h) }));

export default function Settings() {
  const data = useLoaderData<typeof loader>();
  const i18n = useT();
  const { t, locale } = i18n;
  const save = useFetcher<typeof action>();
  const keyFetcher = useFetcher<typeof action>();
  const [newKey, setNewKey] = useState("");
  const keyResult = keyFetcher.state === "idle" && keyFetcher.data?.intent === "sendgridKey" ? keyFetcher.data : null;
  useEffect(() => {
    if (keyResult?.ok) setNewKey("");
  }, [keyResult]);
  const [form, setForm] = useState<SettingsFormValues>(data.form);
  // After a successful save the form shows what was stored (trimmed, normalised); after a refused
  // one it keeps what the merchant typed, so nothing has to be entered twice.
  const saved = save.state === "idle" && save.data?.ok === true;
  useEffect(() => {
    if (saved) setForm(data.form);
  }, [saved, data.form]);
  // Discard puts the stored values back and clears the last save's errors with them.
  const [discarded, setDiscarded] = useState(false);
  const submit = () => {
    setDiscarded(false);
    save.submit({ intent: "save", form }, { method: "post", encType: "application/json" });
  };
  useSaveBarForm("settings", {
    dirty: JSON.stringify(form) !== JSON.stringify(data.form),
    saving: save.state !== "idle",
    save: submit,
    discard: () => {
      setForm(data.form);
      setDiscarded(true);
    },
  });
  const saveResult = save.data?.intent === "sendgridKey" || discarded ? undefined : save.data;
  const errors = saveResult && !saveResult.ok ? saveResult.errors : [];
  const errorFor = (name: string) => fieldErrorText(errors, name, locale);
  const setText = (name: SettingsFormName) => (value: string) =>
    setForm((f) => ({ ...f, text: { ...f.text, [name]: value } }));
  const field = (
    name: SettingsFormName,
    label: MessageKey,
    options: { type?: "number" | "email" | "text"; multiline?: boolean; help?: MessageKey } = {},
  ) => (
    <TextField
      label={t(label)}
      name={name}
      type={options.type ?? "text"}
      multiline={options.multiline ? 2 : undefined}
      value={form.text[name]}
      onChange={setText(name)}
      error={errorFor(name)}
      helpText={options.help ? t(options.help) : undefined}
      autoComplete="off"
    />
  );

  return (
    <>
      <PageTitle title={t("settings.title")} />
      <Page>
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              {saveResult?.ok ? (
                <Banner tone="success">
                  <p>{t("common.saved")}</p>
                </Banner>
              ) : null}
              {saveResult?.ok && "discountSyncError" in saveResult && saveResult.discountSyncError ? (
                <Banner tone="warning">
                  <p>
                    {t("settings.discountSyncFailed", { error: adminErrorWords(i18n, saveResult.discountSyncError) })}
                  </p>
                </Banner>
              ) : null}
              {errors.length > 0 || saveResult?.intent === "invalid" ? (
                <Banner tone="critical">
                  <p>{saveResult?.intent === "invalid" ? t("common.badRequest") : t("common.fixErrors")}</p>
                </Banner>
              ) : null}
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("settings.sender")}
                  </Text>
                  <Text as="p" tone="subdued">
                    {t("settings.senderHelp")}
                  </Text>
                  <FormLayout>
                    {field("senderName", "settings.senderName")}
                    {field("senderEmail", "settings.senderEmail", { type: "email" })}
                    {field("senderAddress", "settings.senderAddress", { multiline: true })}
                    {field("senderContact", "settings.senderContact")}
                  </FormLayout>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("settings.sending")}
                  </Text>
                  <FormLayout>
                    {field("frequencyCapHours", "settings.frequencyCapHours", { type: "number" })}
                    <Checkbox
                      label={t("settings.quietHoursOn")}
                      checked={form.quietHours.on}
                      onChange={(on) => setForm((f) => ({ ...f, quietHours: { ...f.quietHours, on } }))}
                      error={errorFor("quietHours")}
                    />
                    {form.quietHours.on ? (
                      <FormLayout.Group>
                        <Select
                          label={t("settings.quietStart")}
                          options={HOURS}
                          value={form.quietHours.startHour}
                          onChange={(startHour) =>
                            setForm((f) => ({ ...f, quietHours: { ...f.quietHours, startHour } }))
                          }
                        />
                        <Select
                          label={t("settings.quietEnd")}
                          options={HOURS}
                          value={form.quietHours.endHour}
                          onChange={(endHour) => setForm((f) => ({ ...f, quietHours: { ...f.quietHours, endHour } }))}
                        />
                      </FormLayout.Group>
                    ) : null}
                    {field("holdoutPercent", "settings.holdoutPercent", { type: "number" })}
                    {field("attributionDays", "settings.attributionDays", { type: "number" })}
                    {field("openAttributionDays", "settings.openAttributionDays", {
                      type: "number",
                      help: "settings.openAttributionDaysHelp",
                    })}
                    {field("timezone", "settings.timezone", { help: "settings.timezoneHelp" })}
                  </FormLayout>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("settings.points")}
                  </Text>
                  <FormLayout>
                    <FormLayout.Group>
                      {field("pointsEarned", "settings.pointsEarned", { type: "number" })}
                      {field("pointsPerCurrencyUnits", "settings.pointsPerCurrencyUnits", { type: "number" })}
                    </FormLayout.Group>
                    {field("pointsExpiryDays", "settings.pointsExpiryDays", { type: "number" })}
                  </FormLayout>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("settings.guard")}
                  </Text>
                  <Select
                    label={t("settings.loyaltyVariant")}
                    options={LOYALTY_VARIANTS.map((v) => ({ label: t(`settings.loyalty.${v}`), value: v }))}
                    value={form.text.loyaltyVariant}
                    onChange={setText("loyaltyVariant")}
                    error={errorFor("loyaltyVariant")}
                  />
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("settings.phases")}
                  </Text>
                  <FormLayout>
                    <FormLayout.Group>
                      {field("regularMinOrders", "settings.regularMinOrders", { type: "number" })}
                      {field("dormantAfterDays", "settings.dormantAfterDays", { type: "number" })}
                    </FormLayout.Group>
                  </FormLayout>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("settings.sendgrid")}
                  </Text>
                  <Text as="p" tone="subdued">
                    {t("settings.sendgridHelp")}
                  </Text>
                  <Text as="p">
                    {data.sendgrid.configured
                      ? t("settings.sendgridConfigured", { last4: data.sendgrid.last4 ?? "????" })
                      : t("settings.sendgridNone")}
                  </Text>
                  {keyResult?.ok ? (
                    <Banner tone="success">
                      <p>{keyResult.removed ? t("settings.sendgridRemoved") : t("settings.sendgridSaved")}</p>
                    </Banner>
                  ) : null}
                  <TextField
                    label={t("settings.sendgridNew")}
                    type="password"
                    name="sendgridKey"
                    value={newKey}
                    onChange={setNewKey}
                    autoComplete="off"
                    error={keyResult && !keyResult.ok && "message" in keyResult ? keyResult.message[locale] : undefined}
                  />
                  <InlineStack gap="200" align="end">
                    {data.sendgrid.configured ? (
                      <Button
                        tone="critical"
                        variant="secondary"
                        loading={
                          keyFetcher.state !== "idle" &&
                          keyFetcher.json !== undefined &&
                          (keyFetcher.json as { key?: unknown }).key === null
                        }
                        onClick={() =>
                          keyFetcher.submit(
                            { intent: "sendgridKey", key: null },
                            { method: "post", encType: "application/json" },
                          )
                        }
                      >
                        {t("settings.sendgridRemove")}
                      </Button>
                    ) : null}
                    <Button
                      loading={
                        keyFetcher.state !== "idle" && (keyFetcher.json as { key?: unknown } | undefined)?.key !== null
                      }
                      disabled={newKey.trim() === ""}
                      onClick={() =>
                        keyFetcher.submit(
                          { intent: "sendgridKey", key: newKey },
                          { method: "post", encType: "application/json" },
                        )
                      }
                    >
                      {t("settings.sendgridSave")}
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Page>
    </>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
