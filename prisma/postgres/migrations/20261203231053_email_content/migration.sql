-- CreateTable
CREATE TABLE "EmailContent" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "scenario" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "subject" TEXT,
    "preheader" TEXT,
    "heading" TEXT,
    "body" TEXT,
    "buttonLabel" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmailContent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailBrand" (
    "shopId" TEXT NOT NULL,
    "shopName" TEXT,
    "logoUrl" TEXT,
    "headerColor" TEXT,
    "buttonColor" TEXT,
    "footerJa" TEXT,
    "footerEn" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmailBrand_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "EmailTestSend" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "scenario" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmailTestSend_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "EmailContent_shopId_scenario_locale_key" ON "EmailContent"("shopId", "scenario", "locale");

-- CreateIndex
CREATE INDEX "EmailTestSend_shopId_sentAt_idx" ON "EmailTestSend"("shopId", "sentAt");

-- AddForeignKey
ALTER TABLE "EmailContent" ADD CONSTRAINT "EmailContent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmailBrand" ADD CONSTRAINT "EmailBrand_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmailTestSend" ADD CONSTRAINT "EmailTestSend_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

