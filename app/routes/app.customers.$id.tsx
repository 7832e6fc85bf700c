import { PageTitle } from "~/components/PageTitle";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, BlockStack, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { AdminErrorBoundary } from "~/components/AdminErrorBoundary";
import { useT, type I18n } from "~/i18n/i18n";
import { scenarioName } from "~/i18n/scenario-words";
import { consentWord, eventWord, phaseTone, phaseWord, reasonWord, statusWord } from "~/i18n/value-words";
import { getCustomerProfile, type TimelineItem } from "~/modules/admin/customers/customer-timeline.server";
import { pointsBalance } from "~/modules/mirror/points/points-ledger.server";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const id = params.id ?? "";
  const [profile, { currency }, balances] = await Promise.all([
    getCustomerProfile(db, shop.id, id),
    db.shop.findUniqueOrThrow({ where: { id: shop.id }, select: { currency: true } }),
    pointsBalance(db, shop.id, [id]),
  ]);
  if (!profile) throw new Response(null, { status: 404 });
  const points = balances.get(id) ?? { balance: 0, nextExpiry: null };
  return {
    profile,
    currency,
    points: {
      balance: points.balance,
      nextExpiry: points.nextExpiry && { points: points.nextExpiry.points, at: points.nextExpiry.at.toISOString() },
    },
  };
};

function TimelineEntry({ item, currency, i18n }: { item: TimelineItem; currency: string; i18n: I18n }) {
  const { t } = i18n;
  const money = (milli: string) => i18n.money(Number(milli) / 1000, currency);
  let title: string;
  const badges: { label: string; tone?: "success" | "critical" | "warning" | "info" }[] = [];
  let detail: string | null = null;
  if (item.kind === "order") {
    title = t("customer.order", { name: item.name ?? "", total: money(item.total) });
    if (item.refunded !== "0")
      badges.push({ label: t("customer.orderRefunded", { amount: money(item.refunded) }), tone: "warning" });
    if (item.cancelled) badges.push({ label: t("customer.orderCancelled"), tone: "critical" });
    else if (!item.counted) badges.push({ label: t("customer.orderNotCounted") });
  } else if (item.kind === "event") {
    title = t("customer.event", { name: eventWord(i18n, item.name) });
    detail = item.productTitle;
  } else {
    title = t("customer.message", { scenario: scenarioName(item.scenario, i18n.locale) });
    badges.push({
      label: statusWord(i18n, item.status),
      tone: item.status === "sent" ? "success" : item.status === "failed" ? "critical" : undefined,
    });
    if (item.opened) badges.push({ label: t("customer.opened"), tone: "info" });
    if (item.clicked) badges.push({ label: t("customer.clicked"), tone: "info" });
    detail = [item.subject, item.reason ? reasonWord(i18n, item.reason) : null].filter(Boolean).join(" — ") || null;
  }
  return (
    <BlockStack gap="050">
      <InlineStack gap="200" blockAlign="center">
        <Text as="span" variant="bodySm" tone="subdued">
          {i18n.dateTime(item.at)}
        </Text>
        <Text as="span" fontWeight="semibold">
          {title}
        </Text>
        {badges.map((b) => (
          <Badge key={b.label} tone={b.tone}>
            {b.label}
          </Badge>
        ))}
      </InlineStack>
      {detail ? (
        <Text as="p" variant="bodySm" tone="subdued">
          {detail}
        </Text>
      ) : null}
    </BlockStack>
  );
}

export default function CustomerProfilePage() {
  const { profile, currency, points } = useLoaderData<typeof loader>();
  const i18n = useT();
  const navigate = useNavigate();
  const { t } = i18n;
  const facts: [string, string][] = [
    [t("customers.col.orders"), i18n.number(profile.ordersCount)],
    [t("customers.col.spend"), i18n.money(Number(profile.netSpend) / 1000, currency)],
    [t("customer.spend365"), i18n.money(Number(profile.netSpend365) / 1000, currency)],
    [t("customer.firstOrder"), i18n.date(profile.firstOrderAt)],
    [t("customers.col.lastOrder"), i18n.date(profile.lastOrderAt)],
    [t("customer.consent"), consentWord(i18n, profile.emailConsent)],
    [t("customer.points"), i18n.number(points.balance)],
  ];
  return (
    <>
      <PageTitle title={profile.name ?? profile.email ?? t("customer.noName")}>
        <button variant="breadcrumb" onClick={() => navigate("/app/customers")}>
          {t("customers.title")}
        </button>
      </PageTitle>
      <Page
        subtitle={profile.name ? (profile.email ?? undefined) : undefined}
        titleMetadata={<Badge tone={phaseTone(profile.phase)}>{phaseWord(i18n, profile.phase)}</Badge>}
      >
        <Layout>
          <Layout.Section variant="oneThird">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("customer.profile")}
                </Text>
                {facts.map(([label, value]) => (
                  <InlineStack key={label} align="space-between">
                    <Text as="span" tone="subdued">
                      {label}
                    </Text>
                    <Text as="span">{value}</Text>
                  </InlineStack>
                ))}
                {points.nextExpiry ? (
                  <Text as="p" variant="bodySm" tone="subdued">
                    {t("customer.pointsExpiry", {
                      points: i18n.number(points.nextExpiry.points),
                      date: i18n.date(points.nextExpiry.at),
                    })}
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("customer.timeline")}
                </Text>
                {profile.timeline.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("customer.timelineEmpty")}
                  </Text>
                ) : (
                  profile.timeline.map((item, i) => (
                    <TimelineEntry key={`${item.kind}-${item.at}-${i}`} item={item} currency={currency} i18n={i18n} />
                  ))
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
      </Page>
    </>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
