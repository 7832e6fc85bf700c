import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Page, Text } from "@shopify/polaris";
import { getDb } from "~/db.server";
import { getMirrorSummary } from "~/modules/shops/mirror-summary.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return getMirrorSummary(await getDb(), session.shop);
};

export default function Home() {
  const summary = useLoaderData<typeof loader>();
  const tiles: [string, number][] = [
    ["Customers", summary.customers],
    ["Orders", summary.orders],
    ["Products", summary.products],
    ["Storefront events", summary.behaviourEvents],
  ];
  return (
    <Page title="Joren">
      <BlockStack gap="400">
        {summary.isLocal ? (
          <Text as="p" tone="caution">Local shop: no real Shopify store behind it (offline demo / testing).</Text>
        ) : null}
        <InlineGrid columns={4} gap="400">
          {tiles.map(([label, value]) => (
            <Card key={label}>
              <Text as="h2" variant="headingSm">{label}</Text>
              <Text as="p" variant="heading2xl">{value.toLocaleString()}</Text>
            </Card>
          ))}
        </InlineGrid>
        <Card>
          <Text as="h2" variant="headingSm">History import</Text>
          <Text as="p">{summary.importStatus}</Text>
        </Card>
      </BlockStack>
    </Page>
  );
}
