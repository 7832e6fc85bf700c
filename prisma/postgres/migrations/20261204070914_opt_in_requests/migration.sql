-- CreateTable
CREATE TABLE "OptInRequest" (
    "id" TEXT NOT NULL,
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
    "nextAttemptAt" TIMESTAMP(3),
    "claimedBy" TEXT,
    "claimedUntil" TIMESTAMP(3),
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "confirmedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OptInRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OptInRequest_shopId_status_nextAttemptAt_idx" ON "OptInRequest"("shopId", "status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OptInRequest_shopId_emailNormalized_sentAt_idx" ON "OptInRequest"("shopId", "emailNormalized", "sentAt");

-- CreateIndex
CREATE UNIQUE INDEX "OptInRequest_shopId_emailNormalized_purpose_variantGid_key" ON "OptInRequest"("shopId", "emailNormalized", "purpose", "variantGid");

-- AddForeignKey
ALTER TABLE "OptInRequest" ADD CONSTRAINT "OptInRequest_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

