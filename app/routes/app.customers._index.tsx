import { PageTitle } from "~/components/PageTitle";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigate, useNavigation } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Button,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Link,
  Page,
  Pagination,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { AdminErrorBoundary } from "~/components/AdminErrorBoundary";
import { useT } from "~/i18n/i18n";
import { consentWord, phaseTone, phaseWord, segmentWord } from "~/i18n/value-words";
import {
  CONSENT_STATES,
  CUSTOMER_PAGE_SIZE,
  customerListSearch,
  parseCustomerListQuery,
  type CustomerSort,
} from "~/modules/admin/customers/customer-list-query";
import { CUSTOMER_PHASES } from "~/modules/mirror/customers/customer-phases";
import { listCustomers } from "~/modules/admin/customers/search-customers.server";
import { RFM_SEGMENTS } from "~/modules/reports/types";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const query = parseCustomerListQuery(new URL(request.url).searchParams);
  const [list, anyCustomer, currency] = await Promise.all([
    listCustomers(db, shop.id, query),
    db.customer.findFirst({ where: { shopId: shop.id, redactedAt: null }, select: { id: true } }),
    db.shop.findUniqueOrThrow({ where: { id: shop.id }, select: { currency: true } }),
  ]);
  return {
    list,
    query: { ...query, page: list.page },
    hasCustomers: anyCustomer !== null,
    currency: currency.currency,
  };
};

// DataTable's column index of each sortable column
const SORT_COLUMNS: Record<number, CustomerSort> = { 3: "orders", 4: "spend", 5: "last_order" };

export default function Customers() {
  const { list, query, hasCustomers, currency } = useLoaderData<typeof loader>();
  const i18n = useT();
  const { t } = i18n;
  const navigation = useNavigation();
  const navigate = useNavigate();
  const [text, setText] = useState(query.q);
  const [phase, setPhase] = useState(query.phase ?? "");
  const [segment, setSegment] = useState(query.segment ?? "");
  const [consent, setConsent] = useState(query.consent ?? "");
  const searching = navigation.state === "loading" && navigation.location.pathname === "/app/customers";

  if (!hasCustomers) {
    return (
      <>
        <PageTitle title={t("customers.title")} />
        <Page>
          <Card>
            <EmptyState heading={t("customers.empty.title")} image="">
              <p>{t("customers.empty.body")}</p>
            </EmptyState>
          </Card>
        </Page>
      </>
    );
  }

  const rows = list.items.map((c) => [
    <BlockStack gap="050" key={c.id}>
      <Link url={`/app/customers/${c.id}`} removeUnderline>
        <Text as="span" fontWeight="semibold">
          {c.name ?? t("customer.noName")}
        </Text>
      </Link>
      <Text as="span" variant="bodySm" tone="subdued">
        {c.email ?? ""}
      </Text>
    </BlockStack>,
    <Badge key="phase" tone={phaseTone(c.phase)}>
      {phaseWord(i18n, c.phase)}
    </Badge>,
    consentWord(i18n, c.emailConsent),
    i18n.number(c.ordersCount),
    i18n.money(Number(c.netSpend) / 1000, currency),
    i18n.date(c.lastOrderAt),
  ]);
  const sortIndex = Number(Object.entries(SORT_COLUMNS).find(([, s]) => s === query.sort)?.[0] ?? 5);
  const first = (list.page - 1) * CUSTOMER_PAGE_SIZE + 1;
  const go = (change: Partial<typeof query>) => navigate(`/app/customers${customerListSearch(query, change)}`);
  const option = (value: string, label: string) => ({ value, label });

  return (
    <>
      <PageTitle title={t("customers.title")} />
      <Page>
        <BlockStack gap="400">
          <Card>
            <Form method="get">
              <BlockStack gap="300">
                <TextField
                  label={t("customers.search")}
                  name="q"
                  value={text}
                  onChange={setText}
                  autoComplete="off"
                  clearButton
                  onClearButtonClick={() => setText("")}
                />
                <InlineStack gap="300" blockAlign="end">
                  <Select
                    label={t("customers.phaseFilter")}
                    name="phase"
                    options={[
                      option("", t("customers.allPhases")),
                      ...CUSTOMER_PHASES.map((p) => option(p, phaseWord(i18n, p))),
                    ]}
                    value={phase}
                    onChange={setPhase}
                  />
                  <Select
                    label={t("customers.segmentFilter")}
                    name="segment"
                    options={[
                      option("", t("customers.allSegments")),
                      ...RFM_SEGMENTS.map((s) => option(s, segmentWord(i18n, s))),
                    ]}
                    value={segment}
                    onChange={setSegment}
                  />
                  <Select
                    label={t("customers.consentFilter")}
                    name="consent"
                    options={[
                      option("", t("customers.allConsent")),
                      ...CONSENT_STATES.map((s) => option(s, consentWord(i18n, s))),
                    ]}
                    value={consent}
                    onChange={setConsent}
                  />
                  {query.sort !== "last_order" ? <input type="hidden" name="sort" value={query.sort} /> : null}
                  {query.dir !== "desc" ? <input type="hidden" name="dir" value={query.dir} /> : null}
                  <Button submit loading={searching}>
                    {t("customers.searchButton")}
                  </Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>
          {list.total === 0 ? (
            <Card>
              <Text as="p">{query.q ? t("customers.noMatch", { query: query.q }) : t("customers.noFilterMatch")}</Text>
            </Card>
          ) : (
            <Card padding="0">
              <DataTable
                columnContentTypes={["text", "text", "text", "numeric", "numeric", "numeric"]}
                headings={[
                  t("customers.col.customer"),
                  t("customers.col.phase"),
                  t("customers.col.consent"),
                  t("customers.col.orders"),
                  t("customers.col.spend"),
                  t("customers.col.lastOrder"),
                ]}
                rows={rows}
                verticalAlign="middle"
                sortable={[false, false, false, true, true, true]}
                initialSortColumnIndex={sortIndex}
                defaultSortDirection={query.dir === "asc" ? "ascending" : "descending"}
                onSort={(index, direction) =>
                  go({
                    sort: SORT_COLUMNS[index] ?? "last_order",
                    dir: direction === "ascending" ? "asc" : "desc",
                    page: 1,
                  })
                }
                footerContent={t("customers.range", {
                  first: i18n.number(first),
                  last: i18n.number(first + list.items.length - 1),
                  total: i18n.number(list.total),
                })}
              />
              <div style={{ display: "flex", justifyContent: "center", padding: "12px" }}>
                <Pagination
                  hasPrevious={list.page > 1}
                  onPrevious={() => go({ page: list.page - 1 })}
                  hasNext={list.page < list.pageCount}
                  onNext={() => go({ page: list.page + 1 })}
                  label={t("customers.pageOf", { page: i18n.number(list.page), pages: i18n.number(list.pageCount) })}
                  previousTooltip={t("customers.previousPage")}
                  nextTooltip={t("customers.nextPage")}
                />
              </div>
            </Card>
          )}
        </BlockStack>
      </Page>
    </>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
