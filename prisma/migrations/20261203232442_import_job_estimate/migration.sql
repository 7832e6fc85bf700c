-- AlterTable
ALTER TABLE "ImportJob" ADD COLUMN "objectCount" INTEGER;
ALTER TABLE "ImportJob" ADD COLUMN "secondsLeft" INTEGER;

