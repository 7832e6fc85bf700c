import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Link, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { AdminErrorBoundary } from "~/components/AdminErrorBoundary";
import { useT } from "~/i18n/i18n";
import { phaseTone, phaseWord } from "~/i18n/value-words";
import { CUSTOMER_PHASES, type CustomerPhase } from "~/modules/customers/customer-phases";
import { CUSTOMER_PAGE_SIZE, searchCustomers } from "~/modules/customers/search-customers.server";
import { requireAdminShop } from "~/modules/shops/admin-request.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const url = new URL(request.url);
  const query = (url.searchParams.get("q") ?? "").slice(0, 200);
  const phaseParam = url.searchParams.get("phase") ?? "";
  const phase = (CUSTOMER_PHASES as readonly string[]).includes(phaseParam) ? (phaseParam as CustomerPhase) : null;
  const [customers, anyCustomer, currency] = await Promise.all([
    searchCustomers(db, shop.id, { query, phase, limit: CUSTOMER_PAGE_SIZE }),
    db.customer.findFirst({ where: { shopId: shop.id, redactedAt: null }, select: { id: true } }),
    db.shop.findUniqueOrThrow({ where: { id: shop.id }, select: { currency: true } }),
  ]);
  return { customers, query, phase, hasCustomers: anyCustomer !== null, currency: currency.currency, pageSize: CUSTOMER_PAGE_SIZE };
};

export default function Customers() {
  const data = useLoaderData<typeof loader>();
  const i18n = useT();
  const { t } = i18n;
  const navigation = useNavigation();
  const [query, setQuery] = useState(data.query);
  const [phase, setPhase] = useState(data.phase ?? "");
  const searching = navigation.state === "loading" && navigation.location.pathname === "/app/customers";

  if (!data.hasCustomers) {
    return (
      <Page title={t("customers.title")}>
        <Card>
          <EmptyState heading={t("customers.empty.title")} image="">
            <p>{t("customers.empty.body")}</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  const rows = data.customers.map((c) => [
    <BlockStack gap="050" key={c.id}>
      <Link url={`/app/customers/${c.id}`} removeUnderline>
        <Text as="span" fontWeight="semibold">{c.name ?? t("customer.noName")}</Text>
      </Link>
      <Text as="span" variant="bodySm" tone="subdued">{c.email ?? ""}</Text>
    </BlockStack>,
    <Badge key="phase" tone={phaseTone(c.phase)}>{phaseWord(i18n, c.phase)}</Badge>,
    i18n.number(c.ordersCount),
    i18n.money(Number(c.netSpend) / 1000, data.currency),
    i18n.date(c.lastOrderAt),
  ]);

  return (
    <Page title={t("customers.title")}>
      <BlockStack gap="400">
        <Card>
          <Form method="get">
            <InlineStack gap="300" blockAlign="end" wrap={false}>
              <div style={{ flexGrow: 1 }}>
                <TextField label={t("customers.search")} name="q" value={query} onChange={setQuery} autoComplete="off" clearButton onClearButtonClick={() => setQuery("")} />
              </div>
              <Select
                label={t("customers.phaseFilter")}
                name="phase"
                options={[{ label: t("customers.allPhases"), value: "" }, ...CUSTOMER_PHASES.map((p) => ({ label: phaseWord(i18n, p), value: p }))]}
                value={phase}
                onChange={setPhase}
              />
              <Button submit loading={searching}>{t("customers.searchButton")}</Button>
            </InlineStack>
          </Form>
        </Card>
        {data.customers.length === 0 ? (
          <Card>
            <Text as="p">{t("customers.noMatch", { query: data.query })}</Text>
          </Card>
        ) : (
          <Card padding="0">
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric", "text"]}
              headings={[t("customers.col.customer"), t("customers.col.phase"), t("customers.col.orders"), t("customers.col.spend"), t("customers.col.lastOrder")]}
              rows={rows}
              verticalAlign="middle"
            />
          </Card>
        )}
        {data.customers.length >= data.pageSize ? <Text as="p" tone="subdued">{t("customers.showing", { count: data.customers.length })}</Text> : null}
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
