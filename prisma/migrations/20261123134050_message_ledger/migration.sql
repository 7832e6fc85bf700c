-- CreateTable
CREATE TABLE "ScenarioConfig" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ScenarioConfig_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "scenario" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "triggerKey" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'planned',
    "reason" TEXT,
    "holdout" BOOLEAN NOT NULL DEFAULT false,
    "dueAt" DATETIME NOT NULL,
    "latestUsefulAt" DATETIME,
    "deferredUntil" DATETIME,
    "data" TEXT NOT NULL DEFAULT '{}',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimedBy" TEXT,
    "claimedUntil" DATETIME,
    "email" TEXT,
    "locale" TEXT,
    "subject" TEXT,
    "couponCode" TEXT,
    "incentive" TEXT,
    "providerId" TEXT,
    "sentAt" DATETIME,
    "deliveredAt" DATETIME,
    "openedAt" DATETIME,
    "clickedAt" DATETIME,
    "bouncedAt" DATETIME,
    "complainedAt" DATETIME,
    "unsubscribedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Message_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Message_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OutboxEmail" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "toEmail" TEXT NOT NULL,
    "fromEmail" TEXT NOT NULL,
    "fromName" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "headers" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OutboxEmail_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Suppression" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "emailNormalized" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "Suppression_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MailEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "messageId" TEXT,
    "kind" TEXT NOT NULL,
    "url" TEXT,
    "at" DATETIME NOT NULL,
    CONSTRAINT "MailEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ScenarioConfig_shopId_key_key" ON "ScenarioConfig"("shopId", "key");

-- CreateIndex
CREATE INDEX "Message_shopId_status_dueAt_idx" ON "Message"("shopId", "status", "dueAt");

-- CreateIndex
CREATE INDEX "Message_shopId_customerId_sentAt_idx" ON "Message"("shopId", "customerId", "sentAt");

-- CreateIndex
CREATE INDEX "Message_shopId_scenario_createdAt_idx" ON "Message"("shopId", "scenario", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Message_shopId_scenario_customerId_triggerKey_key" ON "Message"("shopId", "scenario", "customerId", "triggerKey");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxEmail_messageId_key" ON "OutboxEmail"("messageId");

-- CreateIndex
CREATE INDEX "OutboxEmail_shopId_createdAt_idx" ON "OutboxEmail"("shopId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Suppression_shopId_emailNormalized_key" ON "Suppression"("shopId", "emailNormalized");

-- CreateIndex
CREATE INDEX "MailEvent_shopId_messageId_idx" ON "MailEvent"("shopId", "messageId");

-- CreateIndex
CREATE UNIQUE INDEX "MailEvent_shopId_eventId_key" ON "MailEvent"("shopId", "eventId");

