// Webhook payload builders for variations on Shopify's examples. Ids are written into the JSON
// text as digits, so values above 2^53 reach the server exactly as Shopify sends them.
export interface OrderSpec {
  id: string;
  customerId?: string | null;
  email?: string | null;
  total: string;
  createdAt: string;
  updatedAt?: string;
  financialStatus?: string;
  cancelledAt?: string | null;
  checkoutToken?: string | null;
  lines?: { id: string; productId: string; variantId: string; title: string; quantity: number; price: string }[];
  refunds?: { id: string; createdAt: string; amount: string; lines?: { lineId: string; quantity: number }[] }[];
  discountCodes?: string[];
  consent?: "subscribed" | "not_subscribed" | "unsubscribed";
}

export function orderBody(o: OrderSpec): string {
  const lines = (
    o.lines ?? [
      {
        id: `${o.id}1`,
        productId: "632910392",
        variantId: "808950810",
        title: "Green tea",
        quantity: 1,
        price: o.total,
      },
    ]
  )
    .map(
      (l) =>
        `{"id":${l.id},"admin_graphql_api_id":"gid://shopify/LineItem/${l.id}","product_id":${l.productId},"variant_id":${l.variantId},"title":${JSON.stringify(l.title)},"variant_title":null,"sku":"SKU","quantity":${l.quantity},"price":"${l.price}","total_discount":"0.00"}`,
    )
    .join(",");
  const refunds = (o.refunds ?? [])
    .map(
      (r) =>
        `{"id":${r.id},"admin_graphql_api_id":"gid://shopify/Refund/${r.id}","order_id":${o.id},"created_at":"${r.createdAt}","note":null,"refund_line_items":[${(
          r.lines ?? []
        )
          .map((l) => `{"line_item_id":${l.lineId},"quantity":${l.quantity},"subtotal":0,"total_tax":0}`)
          .join(
            ",",
          )}],"transactions":[{"kind":"refund","status":"success","amount":"${r.amount}"}],"order_adjustments":[]}`,
    )
    .join(",");
  const customer = o.customerId
    ? `{"id":${o.customerId},"admin_graphql_api_id":"gid://shopify/Customer/${o.customerId}","email":${JSON.stringify(o.email ?? null)},"first_name":"Hanako","last_name":"Yamada","state":"enabled","created_at":"${o.createdAt}","updated_at":"${o.updatedAt ?? o.createdAt}"${
        o.consent
          ? `,"email_marketing_consent":{"state":"${o.consent}","opt_in_level":"single_opt_in","consent_updated_at":"${o.updatedAt ?? o.createdAt}"}`
          : ""
      }}`
    : "null";
  return `{"id":${o.id},"admin_graphql_api_id":"gid://shopify/Order/${o.id}","name":"#${o.id.slice(-4)}","email":${JSON.stringify(o.email ?? null)},"currency":"JPY","total_price":"${o.total}","subtotal_price":"${o.total}","total_discounts":"0","financial_status":"${o.financialStatus ?? "paid"}","fulfillment_status":null,"cancelled_at":${o.cancelledAt ? `"${o.cancelledAt}"` : "null"},"cancel_reason":null,"processed_at":"${o.createdAt}","created_at":"${o.createdAt}","updated_at":"${o.updatedAt ?? o.createdAt}","discount_codes":[${(o.discountCodes ?? []).map((c) => `{"code":"${c}","amount":"0","type":"percentage"}`).join(",")}],"checkout_token":${o.checkoutToken ? `"${o.checkoutToken}"` : "null"},"cart_token":null,"source_name":"web","customer_locale":"ja","test":false,"buyer_accepts_marketing":false,"customer":${customer},"line_items":[${lines}],"refunds":[${refunds}]}`;
}

export function customerBody(c: { id: string; email: string; updatedAt: string; firstName?: string }): string {
  return `{"id":${c.id},"admin_graphql_api_id":"gid://shopify/Customer/${c.id}","email":"${c.email}","first_name":${JSON.stringify(c.firstName ?? "Taro")},"last_name":"Sato","state":"enabled","created_at":"2026-01-01T00:00:00Z","updated_at":"${c.updatedAt}","locale":"ja"}`;
}

export function consentBody(customerId: string, email: string, state: string, at: string | null): string {
  return `{"customer_id":${customerId},"email_address":"${email}","email_marketing_consent":{"state":"${state}","opt_in_level":"single_opt_in","consent_updated_at":${at ? `"${at}"` : "null"}}}`;
}
