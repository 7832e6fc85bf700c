-- CreateTable
CREATE TABLE "OptInRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailNormalized" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "variantGid" TEXT NOT NULL,
    "productGid" TEXT,
    "locale" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "claimedBy" TEXT,
    "claimedUntil" DATETIME,
    "requestedAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "confirmedAt" DATETIME,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "OptInRequest_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "OptInRequest_shopId_status_nextAttemptAt_idx" ON "OptInRequest"("shopId", "status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OptInRequest_shopId_emailNormalized_sentAt_idx" ON "OptInRequest"("shopId", "emailNormalized", "sentAt");

-- CreateIndex
CREATE UNIQUE INDEX "OptInRequest_shopId_emailNormalized_purpose_variantGid_key" ON "OptInRequest"("shopId", "emailNormalized", "purpose", "variantGid");

