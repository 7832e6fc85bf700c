-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN,
    "locale" TEXT,
    "collaborator" BOOLEAN,
    "emailVerified" BOOLEAN,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "domain" TEXT NOT NULL,
    "isLocal" BOOLEAN NOT NULL DEFAULT false,
    "name" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'JPY',
    "timezone" TEXT NOT NULL DEFAULT 'Asia/Tokyo',
    "locale" TEXT NOT NULL DEFAULT 'ja',
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "scopes" TEXT,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "regularSpendThreshold" BIGINT,
    "regularThresholdAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "WebhookReceipt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "apiVersion" TEXT,
    "triggeredAt" DATETIME,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "body" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimedBy" TEXT,
    "claimedUntil" DATETIME,
    "processedAt" DATETIME,
    "error" TEXT,
    CONSTRAINT "WebhookReceipt_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "gid" TEXT,
    "email" TEXT,
    "emailNormalized" TEXT,
    "firstName" TEXT,
    "lastName" TEXT,
    "phone" TEXT,
    "locale" TEXT,
    "state" TEXT,
    "tags" TEXT,
    "emailConsent" TEXT NOT NULL DEFAULT 'NOT_SUBSCRIBED',
    "emailConsentAt" DATETIME,
    "emailConsentOptInLevel" TEXT,
    "emailConsentSource" TEXT,
    "birthDate" TEXT,
    "shopifyCreatedAt" DATETIME,
    "shopifyUpdatedAt" DATETIME,
    "deletedAt" DATETIME,
    "redactedAt" DATETIME,
    "ordersCount" INTEGER NOT NULL DEFAULT 0,
    "netSpend" BIGINT NOT NULL DEFAULT 0,
    "netSpend365" BIGINT NOT NULL DEFAULT 0,
    "firstOrderAt" DATETIME,
    "secondOrderAt" DATETIME,
    "lastOrderAt" DATETIME,
    "phase" TEXT NOT NULL DEFAULT 'prospect',
    "rollupAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Customer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "gid" TEXT NOT NULL,
    "name" TEXT,
    "customerId" TEXT,
    "customerGid" TEXT,
    "email" TEXT,
    "emailNormalized" TEXT,
    "currency" TEXT,
    "totalPrice" BIGINT NOT NULL DEFAULT 0,
    "subtotalPrice" BIGINT NOT NULL DEFAULT 0,
    "totalDiscounts" BIGINT NOT NULL DEFAULT 0,
    "totalRefunded" BIGINT NOT NULL DEFAULT 0,
    "financialStatus" TEXT,
    "fulfillmentStatus" TEXT,
    "cancelledAt" DATETIME,
    "cancelReason" TEXT,
    "counted" BOOLEAN NOT NULL DEFAULT true,
    "paidAt" DATETIME,
    "discountCodes" TEXT NOT NULL DEFAULT '[]',
    "checkoutToken" TEXT,
    "cartToken" TEXT,
    "sourceName" TEXT,
    "customerLocale" TEXT,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "shopifyCreatedAt" DATETIME NOT NULL,
    "shopifyUpdatedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Order_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Order_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OrderLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "gid" TEXT NOT NULL,
    "productGid" TEXT,
    "variantGid" TEXT,
    "title" TEXT NOT NULL,
    "variantTitle" TEXT,
    "sku" TEXT,
    "quantity" INTEGER NOT NULL,
    "price" BIGINT NOT NULL DEFAULT 0,
    "totalDiscount" BIGINT NOT NULL DEFAULT 0,
    "refundedQuantity" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "OrderLine_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "OrderLine_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Refund" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "gid" TEXT NOT NULL,
    "amount" BIGINT NOT NULL DEFAULT 0,
    "lines" TEXT NOT NULL DEFAULT '[]',
    "note" TEXT,
    "refundedAt" DATETIME NOT NULL,
    CONSTRAINT "Refund_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Refund_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Checkout" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "shopifyId" TEXT,
    "cartToken" TEXT,
    "customerId" TEXT,
    "customerGid" TEXT,
    "email" TEXT,
    "emailNormalized" TEXT,
    "locale" TEXT,
    "currency" TEXT,
    "totalPrice" BIGINT NOT NULL DEFAULT 0,
    "abandonedCheckoutUrl" TEXT,
    "lines" TEXT NOT NULL DEFAULT '[]',
    "buyerAcceptsMarketing" BOOLEAN NOT NULL DEFAULT false,
    "completedAt" DATETIME,
    "deletedAt" DATETIME,
    "shopifyCreatedAt" DATETIME NOT NULL,
    "shopifyUpdatedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Checkout_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Checkout_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Product" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "gid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "handle" TEXT,
    "status" TEXT,
    "productType" TEXT,
    "vendor" TEXT,
    "tags" TEXT,
    "imageUrl" TEXT,
    "publishedAt" DATETIME,
    "shopifyUpdatedAt" DATETIME,
    "deletedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Product_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Variant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "gid" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "title" TEXT,
    "sku" TEXT,
    "price" BIGINT NOT NULL DEFAULT 0,
    "inventoryItemGid" TEXT,
    "available" INTEGER,
    "inventoryPolicy" TEXT,
    "shopifyUpdatedAt" DATETIME,
    CONSTRAINT "Variant_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Variant_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "InventoryLevel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "inventoryItemGid" TEXT NOT NULL,
    "locationGid" TEXT NOT NULL,
    "available" INTEGER NOT NULL,
    "shopifyUpdatedAt" DATETIME NOT NULL,
    CONSTRAINT "InventoryLevel_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Visitor" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "customerId" TEXT,
    "email" TEXT,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    CONSTRAINT "Visitor_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Visitor_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "BehaviourEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "customerId" TEXT,
    "productGid" TEXT,
    "variantGid" TEXT,
    "quantity" INTEGER,
    "checkoutToken" TEXT,
    "url" TEXT,
    "occurredAt" DATETIME NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "BehaviourEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "BehaviourEvent_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Trigger" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subjectKey" TEXT NOT NULL,
    "customerId" TEXT,
    "data" TEXT NOT NULL DEFAULT '{}',
    "occurredAt" DATETIME NOT NULL,
    "consumedAt" DATETIME,
    CONSTRAINT "Trigger_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ImportJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "stage" TEXT NOT NULL DEFAULT 'products',
    "bulkOperationId" TEXT,
    "linesDone" INTEGER NOT NULL DEFAULT 0,
    "counts" TEXT NOT NULL DEFAULT '{}',
    "error" TEXT,
    "heartbeatAt" DATETIME,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "ImportJob_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "customerGid" TEXT,
    "email" TEXT,
    "export" TEXT NOT NULL,
    "requestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DataRequest_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Lease" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");

-- CreateIndex
CREATE INDEX "WebhookReceipt_status_receivedAt_idx" ON "WebhookReceipt"("status", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookReceipt_shopId_webhookId_key" ON "WebhookReceipt"("shopId", "webhookId");

-- CreateIndex
CREATE INDEX "Customer_shopId_emailNormalized_idx" ON "Customer"("shopId", "emailNormalized");

-- CreateIndex
CREATE INDEX "Customer_shopId_phase_idx" ON "Customer"("shopId", "phase");

-- CreateIndex
CREATE INDEX "Customer_shopId_lastOrderAt_idx" ON "Customer"("shopId", "lastOrderAt");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_shopId_gid_key" ON "Customer"("shopId", "gid");

-- CreateIndex
CREATE INDEX "Order_shopId_customerId_shopifyCreatedAt_idx" ON "Order"("shopId", "customerId", "shopifyCreatedAt");

-- CreateIndex
CREATE INDEX "Order_shopId_emailNormalized_idx" ON "Order"("shopId", "emailNormalized");

-- CreateIndex
CREATE INDEX "Order_shopId_shopifyCreatedAt_idx" ON "Order"("shopId", "shopifyCreatedAt");

-- CreateIndex
CREATE INDEX "Order_shopId_checkoutToken_idx" ON "Order"("shopId", "checkoutToken");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shopId_gid_key" ON "Order"("shopId", "gid");

-- CreateIndex
CREATE INDEX "OrderLine_shopId_productGid_idx" ON "OrderLine"("shopId", "productGid");

-- CreateIndex
CREATE UNIQUE INDEX "OrderLine_orderId_gid_key" ON "OrderLine"("orderId", "gid");

-- CreateIndex
CREATE UNIQUE INDEX "Refund_shopId_gid_key" ON "Refund"("shopId", "gid");

-- CreateIndex
CREATE INDEX "Checkout_shopId_shopifyId_idx" ON "Checkout"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "Checkout_shopId_completedAt_shopifyUpdatedAt_idx" ON "Checkout"("shopId", "completedAt", "shopifyUpdatedAt");

-- CreateIndex
CREATE INDEX "Checkout_shopId_emailNormalized_idx" ON "Checkout"("shopId", "emailNormalized");

-- CreateIndex
CREATE UNIQUE INDEX "Checkout_shopId_token_key" ON "Checkout"("shopId", "token");

-- CreateIndex
CREATE UNIQUE INDEX "Product_shopId_gid_key" ON "Product"("shopId", "gid");

-- CreateIndex
CREATE INDEX "Variant_shopId_inventoryItemGid_idx" ON "Variant"("shopId", "inventoryItemGid");

-- CreateIndex
CREATE INDEX "Variant_productId_idx" ON "Variant"("productId");

-- CreateIndex
CREATE UNIQUE INDEX "Variant_shopId_gid_key" ON "Variant"("shopId", "gid");

-- CreateIndex
CREATE UNIQUE INDEX "InventoryLevel_shopId_inventoryItemGid_locationGid_key" ON "InventoryLevel"("shopId", "inventoryItemGid", "locationGid");

-- CreateIndex
CREATE INDEX "Visitor_shopId_customerId_idx" ON "Visitor"("shopId", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Visitor_shopId_clientId_key" ON "Visitor"("shopId", "clientId");

-- CreateIndex
CREATE INDEX "BehaviourEvent_shopId_customerId_occurredAt_idx" ON "BehaviourEvent"("shopId", "customerId", "occurredAt");

-- CreateIndex
CREATE INDEX "BehaviourEvent_shopId_clientId_occurredAt_idx" ON "BehaviourEvent"("shopId", "clientId", "occurredAt");

-- CreateIndex
CREATE INDEX "BehaviourEvent_shopId_productGid_occurredAt_idx" ON "BehaviourEvent"("shopId", "productGid", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "BehaviourEvent_shopId_eventId_key" ON "BehaviourEvent"("shopId", "eventId");

-- CreateIndex
CREATE INDEX "Trigger_shopId_kind_consumedAt_idx" ON "Trigger"("shopId", "kind", "consumedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Trigger_shopId_kind_subjectKey_key" ON "Trigger"("shopId", "kind", "subjectKey");

-- CreateIndex
CREATE INDEX "ImportJob_shopId_status_idx" ON "ImportJob"("shopId", "status");

-- CreateIndex
CREATE INDEX "DataRequest_shopId_idx" ON "DataRequest"("shopId");

