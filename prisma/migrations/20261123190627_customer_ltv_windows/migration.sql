-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Customer" (
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
    "ltv30" BIGINT NOT NULL DEFAULT 0,
    "ltv90" BIGINT NOT NULL DEFAULT 0,
    "ltv180" BIGINT NOT NULL DEFAULT 0,
    "ltv365" BIGINT NOT NULL DEFAULT 0,
    "phase" TEXT NOT NULL DEFAULT 'prospect',
    "rollupAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Customer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Customer" ("birthDate", "createdAt", "deletedAt", "email", "emailConsent", "emailConsentAt", "emailConsentOptInLevel", "emailConsentSource", "emailNormalized", "firstName", "firstOrderAt", "gid", "id", "lastName", "lastOrderAt", "locale", "netSpend", "netSpend365", "ordersCount", "phase", "phone", "redactedAt", "rollupAt", "secondOrderAt", "shopId", "shopifyCreatedAt", "shopifyUpdatedAt", "state", "tags", "updatedAt") SELECT "birthDate", "createdAt", "deletedAt", "email", "emailConsent", "emailConsentAt", "emailConsentOptInLevel", "emailConsentSource", "emailNormalized", "firstName", "firstOrderAt", "gid", "id", "lastName", "lastOrderAt", "locale", "netSpend", "netSpend365", "ordersCount", "phase", "phone", "redactedAt", "rollupAt", "secondOrderAt", "shopId", "shopifyCreatedAt", "shopifyUpdatedAt", "state", "tags", "updatedAt" FROM "Customer";
DROP TABLE "Customer";
ALTER TABLE "new_Customer" RENAME TO "Customer";
CREATE INDEX "Customer_shopId_emailNormalized_idx" ON "Customer"("shopId", "emailNormalized");
CREATE INDEX "Customer_shopId_phase_idx" ON "Customer"("shopId", "phase");
CREATE INDEX "Customer_shopId_lastOrderAt_idx" ON "Customer"("shopId", "lastOrderAt");
CREATE INDEX "Customer_reports_idx" ON "Customer"("shopId", "firstOrderAt", "ordersCount", "netSpend", "secondOrderAt", "lastOrderAt", "ltv30", "ltv90", "ltv180", "ltv365");
CREATE UNIQUE INDEX "Customer_shopId_gid_key" ON "Customer"("shopId", "gid");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Backfill the LTV windows from the orders (ADR 0012; the same statement as the reports benchmark's)
UPDATE "Customer" SET
  "ltv30" = (SELECT COALESCE(SUM(o."totalPrice" - o."totalRefunded"), 0) FROM "Order" o WHERE o."shopId" = "Customer"."shopId" AND o."customerId" = "Customer"."id" AND o."counted" = 1
    AND o."shopifyCreatedAt" < strftime('%Y-%m-%dT%H:%M:%f', "Customer"."firstOrderAt", '+30 days') || '+00:00'),
  "ltv90" = (SELECT COALESCE(SUM(o."totalPrice" - o."totalRefunded"), 0) FROM "Order" o WHERE o."shopId" = "Customer"."shopId" AND o."customerId" = "Customer"."id" AND o."counted" = 1
    AND o."shopifyCreatedAt" < strftime('%Y-%m-%dT%H:%M:%f', "Customer"."firstOrderAt", '+90 days') || '+00:00'),
  "ltv180" = (SELECT COALESCE(SUM(o."totalPrice" - o."totalRefunded"), 0) FROM "Order" o WHERE o."shopId" = "Customer"."shopId" AND o."customerId" = "Customer"."id" AND o."counted" = 1
    AND o."shopifyCreatedAt" < strftime('%Y-%m-%dT%H:%M:%f', "Customer"."firstOrderAt", '+180 days') || '+00:00'),
  "ltv365" = (SELECT COALESCE(SUM(o."totalPrice" - o."totalRefunded"), 0) FROM "Order" o WHERE o."shopId" = "Customer"."shopId" AND o."customerId" = "Customer"."id" AND o."counted" = 1
    AND o."shopifyCreatedAt" < strftime('%Y-%m-%dT%H:%M:%f', "Customer"."firstOrderAt", '+365 days') || '+00:00')
WHERE "firstOrderAt" IS NOT NULL;

