-- CreateTable
CREATE TABLE "ClvCheckCache" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "fromDate" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "computedAt" DATETIME NOT NULL,
    CONSTRAINT "ClvCheckCache_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

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
    "purchaseDays" INTEGER NOT NULL DEFAULT 0,
    "purchaseDaysZone" TEXT,
    "phase" TEXT NOT NULL DEFAULT 'prospect',
    "rollupAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Customer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Customer" ("birthDate", "createdAt", "deletedAt", "email", "emailConsent", "emailConsentAt", "emailConsentOptInLevel", "emailConsentSource", "emailNormalized", "firstName", "firstOrderAt", "gid", "id", "lastName", "lastOrderAt", "locale", "ltv180", "ltv30", "ltv365", "ltv90", "netSpend", "netSpend365", "ordersCount", "phase", "phone", "redactedAt", "rollupAt", "secondOrderAt", "shopId", "shopifyCreatedAt", "shopifyUpdatedAt", "state", "tags", "updatedAt") SELECT "birthDate", "createdAt", "deletedAt", "email", "emailConsent", "emailConsentAt", "emailConsentOptInLevel", "emailConsentSource", "emailNormalized", "firstName", "firstOrderAt", "gid", "id", "lastName", "lastOrderAt", "locale", "ltv180", "ltv30", "ltv365", "ltv90", "netSpend", "netSpend365", "ordersCount", "phase", "phone", "redactedAt", "rollupAt", "secondOrderAt", "shopId", "shopifyCreatedAt", "shopifyUpdatedAt", "state", "tags", "updatedAt" FROM "Customer";
DROP TABLE "Customer";
ALTER TABLE "new_Customer" RENAME TO "Customer";
CREATE INDEX "Customer_shopId_emailNormalized_idx" ON "Customer"("shopId", "emailNormalized");
CREATE INDEX "Customer_shopId_phase_idx" ON "Customer"("shopId", "phase");
CREATE INDEX "Customer_shopId_lastOrderAt_idx" ON "Customer"("shopId", "lastOrderAt");
CREATE INDEX "Customer_shopId_netSpend_id_idx" ON "Customer"("shopId", "netSpend", "id");
CREATE INDEX "Customer_shopId_ordersCount_id_idx" ON "Customer"("shopId", "ordersCount", "id");
CREATE INDEX "Customer_shopId_emailConsent_idx" ON "Customer"("shopId", "emailConsent");
CREATE INDEX "Customer_reports_idx" ON "Customer"("shopId", "firstOrderAt", "ordersCount", "netSpend", "secondOrderAt", "lastOrderAt", "ltv30", "ltv90", "ltv180", "ltv365", "purchaseDays", "purchaseDaysZone");
CREATE UNIQUE INDEX "Customer_shopId_gid_key" ON "Customer"("shopId", "gid");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ClvCheckCache_shopId_fromDate_key" ON "ClvCheckCache"("shopId", "fromDate");


-- Backfill the purchase days (ADR 0016): distinct shop-local calendar days with a counted order.
-- SQLite knows no timezones, so this counts them for shops in a zone whose UTC offset has not
-- changed since 1995 (the same day arithmetic as the reports' localDaySql); the other shops'
-- customers keep purchaseDaysZone NULL until their next rollup, and the CLV report reads their
-- orders until then (the same figures, more slowly).
UPDATE "Customer" SET
  "purchaseDays" = (SELECT COUNT(DISTINCT CAST(julianday(o."shopifyCreatedAt") + z."minutes" / 1440.0 + 0.5 AS INTEGER)) FROM "Order" o
    WHERE o."shopId" = "Customer"."shopId" AND o."customerId" = "Customer"."id" AND o."counted" = 1),
  "purchaseDaysZone" = z."name"
FROM (SELECT s."id" AS "shopId", v.column1 AS "name", v.column2 AS "minutes" FROM "Shop" s JOIN (VALUES
  ('UTC', 0), ('Etc/UTC', 0), ('Asia/Tokyo', 540), ('Asia/Seoul', 540), ('Asia/Shanghai', 480), ('Asia/Hong_Kong', 480), ('Asia/Taipei', 480), ('Asia/Singapore', 480)
) v ON v.column1 = s."timezone") z
WHERE z."shopId" = "Customer"."shopId";
