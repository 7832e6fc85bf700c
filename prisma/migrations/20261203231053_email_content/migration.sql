-- CreateTable
CREATE TABLE "EmailContent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "scenario" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "subject" TEXT,
    "preheader" TEXT,
    "heading" TEXT,
    "body" TEXT,
    "buttonLabel" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EmailContent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EmailBrand" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "shopName" TEXT,
    "logoUrl" TEXT,
    "headerColor" TEXT,
    "buttonColor" TEXT,
    "footerJa" TEXT,
    "footerEn" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EmailBrand_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EmailTestSend" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "scenario" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,
    CONSTRAINT "EmailTestSend_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "EmailContent_shopId_scenario_locale_key" ON "EmailContent"("shopId", "scenario", "locale");

-- CreateIndex
CREATE INDEX "EmailTestSend_shopId_sentAt_idx" ON "EmailTestSend"("shopId", "sentAt");

