-- AlterTable
ALTER TABLE "ImportJob" ADD COLUMN     "objectCount" INTEGER,
ADD COLUMN     "secondsLeft" INTEGER;

