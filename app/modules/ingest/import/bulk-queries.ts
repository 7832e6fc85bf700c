// The three bulk queries of the history import (Admin API 2026-04).
//
// Bulk rules that shape them: at most five connections, nested at most two deep, `edges {
// node }` for every connection, and no connection inside a list field. The JSONL flattens
// nested connections: each variant / line item is its own row carrying `__parentId`, and
// (with groupObjects: true, which the port asks for) follows its parent. Plain object and
// list fields (featuredMedia, customer, refunds, discountCodes…) stay inline on the row.
//
// Order.refunds is a list, so its refundLineItems connection cannot be asked for in bulk
// ("Queries that contain a connection field within a list field are not currently
// supported"): the import records refund amounts, and refund line quantities arrive with the
// refunds/create and orders/updated webhooks from then on.

export type ImportStage = "products" | "customers" | "orders";

export const PRODUCTS_BULK_QUERY = /* GraphQL */ `
  {
    products {
      edges {
        node {
          id
          title
          handle
          status
          productType
          vendor
          tags
          publishedAt
          updatedAt
          featuredMedia {
            preview {
              image {
                url
              }
            }
          }
          variants {
            edges {
              node {
                id
                title
                sku
                price
                inventoryQuantity
                inventoryPolicy
                updatedAt
                inventoryItem {
                  id
                }
              }
            }
          }
        }
      }
    }
  }
`;

export const CUSTOMERS_BULK_QUERY = /* GraphQL */ `
  {
    customers {
      edges {
        node {
          id
          email
          firstName
          lastName
          phone
          locale
          state
          tags
          createdAt
          updatedAt
          emailMarketingConsent {
            marketingState
            marketingOptInLevel
            consentUpdatedAt
          }
          metafield(namespace: "facts", key: "birth_date") {
            value
          }
        }
      }
    }
  }
`;

export const ORDERS_BULK_QUERY = /* GraphQL */ `
  {
    orders {
      edges {
        node {
          id
          name
          email
          customer {
            id
          }
          currencyCode
          totalPriceSet {
            shopMoney {
              amount
            }
          }
          subtotalPriceSet {
            shopMoney {
              amount
            }
          }
          totalDiscountsSet {
            shopMoney {
              amount
            }
          }
          totalRefundedSet {
            shopMoney {
              amount
            }
          }
          displayFinancialStatus
          displayFulfillmentStatus
          cancelledAt
          cancelReason
          processedAt
          createdAt
          updatedAt
          discountCodes
          sourceName
          customerLocale
          test
          refunds {
            id
            createdAt
            note
            totalRefundedSet {
              shopMoney {
                amount
              }
            }
          }
          lineItems {
            edges {
              node {
                id
                title
                variantTitle
                sku
                quantity
                originalUnitPriceSet {
                  shopMoney {
                    amount
                  }
                }
                totalDiscountSet {
                  shopMoney {
                    amount
                  }
                }
                product {
                  id
                }
                variant {
                  id
                }
              }
            }
          }
        }
      }
    }
  }
`;

export const BULK_QUERIES: Record<ImportStage, string> = {
  products: PRODUCTS_BULK_QUERY,
  customers: CUSTOMERS_BULK_QUERY,
  orders: ORDERS_BULK_QUERY,
};
