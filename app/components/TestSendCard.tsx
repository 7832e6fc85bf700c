// The scenario page's test send: any address, rendered as a sample or a real mirror customer,
// in either language. The action answers with the outcome; nothing here is a ledger send.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { I18n } from "~/i18n/i18n";

const SEARCH_DEBOUNCE_MS = 300;

type TestAnswer = { intent: string; ok?: boolean; to?: string; transport?: string; problem?: string; detail?: string };
interface CustomerOption {
  id: string;
  name: string | null;
  email: string | null;
}

function problemText(answer: TestAnswer, i18n: I18n, limit: number): string {
  const { t } = i18n;
  switch (answer.problem) {
    case "sender_incomplete":
      return t("scenario.testSenderIncomplete");
    case "provider_unavailable":
      return t("scenario.testProviderDown");
    case "refused":
      return t("scenario.testRefused", { detail: answer.detail ?? "" });
    case "rate_limited":
      return t("testSend.rateLimited", { limit });
    case "unknown_customer":
      return t("testSend.unknownCustomer");
    case "bad_address":
      return t("testSend.badAddress");
    default:
      return t("scenario.noTemplate");
  }
}

export function TestSendCard(props: { senderEmail: string; limit: number; i18n: I18n }) {
  const { i18n } = props;
  const { t } = i18n;
  const test = useFetcher<TestAnswer>();
  const search = useFetcher<{ customers: CustomerOption[] }>();
  const [to, setTo] = useState(props.senderEmail);
  const [locale, setLocale] = useState<"ja" | "en">(i18n.locale);
  const [query, setQuery] = useState("");
  const [customerId, setCustomerId] = useState("");

  useEffect(() => {
    if (!query.trim()) return;
    const timer = setTimeout(
      () => search.load(`/app/sample-customers?q=${encodeURIComponent(query.trim())}`),
      SEARCH_DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [query]);

  const found = query.trim() ? (search.data?.customers ?? []) : [];
  const options = [
    { label: t("testSend.sampleCustomer"), value: "" },
    ...found.map((c) => ({ label: [c.name, c.email].filter(Boolean).join(" · ") || c.id, value: c.id })),
  ];
  const answer = test.data?.intent === "testSend" ? test.data : null;

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("testSend.title")}
        </Text>
        <Text as="p" tone="subdued">
          {t("testSend.help", { limit: props.limit })}
        </Text>
        {answer && test.state === "idle" ? (
          answer.ok ? (
            <Banner tone="success">
              <p>{t("scenario.testSent", { to: answer.to ?? "", transport: answer.transport ?? "" })}</p>
            </Banner>
          ) : (
            <Banner tone="critical">
              <p>{problemText(answer, i18n, props.limit)}</p>
            </Banner>
          )
        ) : null}
        <FormLayout>
          <TextField
            label={t("testSend.to")}
            name="testSend.to"
            type="email"
            value={to}
            onChange={setTo}
            autoComplete="email"
          />
          <FormLayout.Group>
            <TextField
              label={t("testSend.customerSearch")}
              name="testSend.customerSearch"
              value={query}
              onChange={setQuery}
              autoComplete="off"
              helpText={
                query.trim() && search.state === "idle" && found.length === 0 && search.data
                  ? t("testSend.noCustomers")
                  : t("testSend.customerHelp")
              }
            />
            <Select
              label={t("testSend.customer")}
              name="testSend.customer"
              options={options}
              value={customerId}
              onChange={setCustomerId}
            />
          </FormLayout.Group>
          <Select
            label={t("scenario.testSendLanguage")}
            name="testSend.locale"
            options={[
              { label: t("lang.ja"), value: "ja" },
              { label: t("lang.en"), value: "en" },
            ]}
            value={locale}
            onChange={(v) => setLocale(v === "ja" ? "ja" : "en")}
          />
        </FormLayout>
        <InlineStack align="end">
          <Button
            loading={test.state !== "idle"}
            onClick={() =>
              test.submit(
                { intent: "testSend", locale, to: to.trim(), customerId: customerId || null },
                { method: "post", encType: "application/json" },
              )
            }
          >
            {t("scenario.testSend")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
