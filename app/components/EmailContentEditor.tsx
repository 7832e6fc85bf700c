// The scenario page's email editor: the merchant's wording per language, the shop's brand, and
// a preview that re-renders on the server as they type (debounced; nothing is stored until Save).
import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  FormLayout,
  InlineGrid,
  InlineStack,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { useSaveBarForm } from "~/components/PageSaveBar";
import type { I18n, MessageKey } from "~/i18n/i18n";
import type {
  BrandDraft,
  BrandField,
  ContentDraft,
  ContentError,
  ContentField,
  ContentLocale,
} from "~/modules/delivery/mail/content/email-content-schema";

const PREVIEW_DEBOUNCE_MS = 400;
const CONTENT_FIELDS: ContentField[] = ["subject", "preheader", "heading", "body", "buttonLabel"];
const BRAND_FIELDS: BrandField[] = ["shopName", "logoUrl", "headerColor", "buttonColor", "footerJa", "footerEn"];
const LOCALES: ContentLocale[] = ["ja", "en"];

export interface RenderedPreview {
  subject: string;
  html: string;
}

type PreviewAnswer = { ok: true; ja: RenderedPreview; en: RenderedPreview } | { ok: false; errors: ContentError[] };
type SaveAnswer = { intent: string; ok?: boolean; errors?: unknown };

export function errorText(error: ContentError | undefined, i18n: I18n): string | undefined {
  if (!error) return undefined;
  return i18n.t(`emailContent.error.${error.code}` as MessageKey, error.vars);
}

function EmailPreviewFrame(props: { language: ContentLocale; preview: RenderedPreview; i18n: I18n }) {
  const { t } = props.i18n;
  const language = t(props.language === "ja" ? "lang.ja" : "lang.en");
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {language}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {t("scenario.subject")}
        </Text>
        <Text as="p" fontWeight="semibold">
          <span data-preview-subject={props.language}>{props.preview.subject}</span>
        </Text>
        <Box borderColor="border" borderWidth="025" borderRadius="200" overflowX="hidden" overflowY="hidden">
          <iframe
            title={t("scenario.previewFrame", { language })}
            srcDoc={props.preview.html}
            sandbox=""
            style={{ width: "100%", height: 560, border: 0 }}
          />
        </Box>
      </BlockStack>
    </Card>
  );
}

export function EmailContentEditor(props: {
  scenarioKey: string;
  content: ContentDraft;
  brand: BrandDraft;
  /** Joren's own wording, per language, as the sample customer would get it */
  defaults: Record<ContentLocale, Record<ContentField, string>>;
  preview: Record<ContentLocale, RenderedPreview>;
  mergeFields: string[];
  shopName: string;
  i18n: I18n;
}) {
  const { i18n } = props;
  const { t } = i18n;
  const [content, setContent] = useState<ContentDraft>(props.content);
  const [brand, setBrand] = useState<BrandDraft>(props.brand);
  const [tab, setTab] = useState(i18n.locale === "ja" ? 0 : 1);
  const [shown, setShown] = useState(props.preview);
  const preview = useFetcher<PreviewAnswer>();
  const save = useFetcher<SaveAnswer>();
  const edited = useRef(false);

  // Another scenario: start from what it has stored.
  useEffect(() => {
    setContent(props.content);
    setBrand(props.brand);
    setShown(props.preview);
    edited.current = false;
  }, [props.scenarioKey]);

  useEffect(() => {
    if (!edited.current) return;
    const timer = setTimeout(() => {
      preview.submit(
        { content, brand },
        { method: "post", encType: "application/json", action: `/app/scenarios/${props.scenarioKey}/preview` },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [content, brand, props.scenarioKey]);

  useEffect(() => {
    if (preview.state === "idle" && preview.data?.ok) setShown({ ja: preview.data.ja, en: preview.data.en });
  }, [preview.state, preview.data]);

  // After a save, the editor shows what was stored (the page's data has been reloaded by then).
  const appliedSave = useRef<unknown>(null);
  useEffect(() => {
    if (
      save.state !== "idle" ||
      save.data?.intent !== "saveContent" ||
      save.data.ok !== true ||
      appliedSave.current === save.data
    )
      return;
    appliedSave.current = save.data;
    setContent(props.content);
    setBrand(props.brand);
  }, [save.state, save.data, props.content, props.brand]);
  // Discard: the stored content and its preview again, and no errors of the discarded draft.
  const [discarded, setDiscarded] = useState(false);
  const submit = () => {
    setDiscarded(false);
    save.submit({ intent: "saveContent", content, brand }, { method: "post", encType: "application/json" });
  };
  useSaveBarForm("email-content", {
    dirty: JSON.stringify({ content, brand }) !== JSON.stringify({ content: props.content, brand: props.brand }),
    saving: save.state !== "idle",
    save: submit,
    discard: () => {
      edited.current = false;
      setContent(props.content);
      setBrand(props.brand);
      setShown(props.preview);
      setDiscarded(true);
    },
  });

  const saveAnswer = save.data?.intent === "saveContent" && !discarded ? save.data : null;
  const saveErrors =
    saveAnswer && saveAnswer.ok === false && Array.isArray(saveAnswer.errors)
      ? (saveAnswer.errors as ContentError[])
      : [];
  const previewErrors = preview.data && !preview.data.ok && !discarded ? preview.data.errors : [];
  // The newest check wins: live validation while typing, the save's answer right after saving.
  const errors = save.state === "idle" && saveErrors.length > 0 ? saveErrors : previewErrors;
  const errorFor = (field: string) =>
    errorText(
      errors.find((e) => e.field === field),
      i18n,
    );

  const change = (update: () => void) => {
    edited.current = true;
    setDiscarded(false);
    update();
  };
  const setField = (locale: ContentLocale, field: ContentField, value: string) =>
    change(() => setContent((current) => ({ ...current, [locale]: { ...current[locale], [field]: value } })));
  const setBrandField = (field: BrandField, value: string) =>
    change(() => setBrand((current) => ({ ...current, [field]: value })));
  const locale = LOCALES[tab] ?? "ja";
  const fieldsText = props.mergeFields.map((f) => `{{${f}}}`).join(" ");

  return (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {t("emailContent.title")}
          </Text>
          <Text as="p" tone="subdued">
            {t("emailContent.help")}
          </Text>
          <Text as="p" variant="bodySm">
            {t("emailContent.mergeFields", { fields: fieldsText })}
          </Text>
          {saveAnswer?.ok && save.state === "idle" ? (
            <Banner tone="success">
              <p>{t("emailContent.saved")}</p>
            </Banner>
          ) : null}
          {errors.length > 0 ? (
            <Banner tone="critical">
              <p>{previewErrors.length > 0 ? t("emailContent.previewInvalid") : t("common.fixErrors")}</p>
            </Banner>
          ) : null}
          <Tabs
            tabs={LOCALES.map((l) => ({ id: `content-${l}`, content: t(l === "ja" ? "lang.ja" : "lang.en") }))}
            selected={tab}
            onSelect={setTab}
          >
            <Box paddingBlockStart="300">
              <FormLayout>
                {CONTENT_FIELDS.map((field) => (
                  <TextField
                    key={`${locale}.${field}`}
                    label={t(`emailContent.${field}`)}
                    name={`${locale}.${field}`}
                    value={content[locale][field]}
                    placeholder={props.defaults[locale][field]}
                    onChange={(value) => setField(locale, field, value)}
                    multiline={field === "body" ? 6 : undefined}
                    autoComplete="off"
                    error={errorFor(`${locale}.${field}`)}
                    labelAction={
                      content[locale][field]
                        ? { content: t("emailContent.reset"), onAction: () => setField(locale, field, "") }
                        : undefined
                    }
                  />
                ))}
              </FormLayout>
            </Box>
          </Tabs>
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {t("emailContent.brandTitle")}
          </Text>
          <Text as="p" tone="subdued">
            {t("emailContent.brandHelp")}
          </Text>
          <FormLayout>
            {BRAND_FIELDS.map((field) => (
              <TextField
                key={field}
                label={t(`emailContent.${field}`)}
                name={`brand.${field}`}
                value={brand[field]}
                onChange={(value) => setBrandField(field, value)}
                autoComplete="off"
                multiline={field.startsWith("footer") ? 2 : undefined}
                placeholder={
                  field === "shopName"
                    ? props.shopName
                    : field === "headerColor"
                      ? "#ffffff"
                      : field === "buttonColor"
                        ? "#111827"
                        : undefined
                }
                helpText={
                  field === "shopName"
                    ? t("emailContent.shopNameHelp", { name: props.shopName })
                    : field === "logoUrl"
                      ? t("emailContent.logoUrlHelp")
                      : field.endsWith("Color")
                        ? t("emailContent.colorHelp")
                        : undefined
                }
                error={errorFor(`brand.${field}`)}
                labelAction={
                  brand[field]
                    ? { content: t("emailContent.reset"), onAction: () => setBrandField(field, "") }
                    : undefined
                }
              />
            ))}
          </FormLayout>
        </BlockStack>
      </Card>
      <InlineStack align="end" gap="300" blockAlign="center">
        {preview.state !== "idle" ? (
          <Text as="span" tone="subdued">
            {t("emailContent.previewUpdating")}
          </Text>
        ) : null}
        <Button variant="primary" loading={save.state !== "idle"} onClick={submit}>
          {t("emailContent.save")}
        </Button>
      </InlineStack>
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        <EmailPreviewFrame language="ja" preview={shown.ja} i18n={i18n} />
        <EmailPreviewFrame language="en" preview={shown.en} i18n={i18n} />
      </InlineGrid>
    </BlockStack>
  );
}
