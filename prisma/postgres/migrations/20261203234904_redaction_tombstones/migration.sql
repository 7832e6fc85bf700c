-- CreateTable
CREATE TABLE "RedactionTombstone" (
    "shopId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "redactedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RedactionTombstone_pkey" PRIMARY KEY ("shopId","hash")
);

-- AddForeignKey
ALTER TABLE "RedactionTombstone" ADD CONSTRAINT "RedactionTombstone_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

