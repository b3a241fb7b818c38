-- DropIndex: unused (lists sort on sort_full_name), and a full name of up to 1502 characters
-- can exceed a btree entry's 2704 bytes.
DROP INDEX "contacts_organization_id_full_name_id_idx";

-- AlterTable
ALTER TABLE "contact_addresses" ADD COLUMN     "line" TEXT;

-- AlterTable
ALTER TABLE "contact_companies" ALTER COLUMN "job_title" SET DATA TYPE VARCHAR(500);

-- AlterTable
ALTER TABLE "contact_phones" ADD COLUMN     "e164" VARCHAR(16),
ADD COLUMN     "extension" VARCHAR(20);

-- AlterTable
ALTER TABLE "contacts" ALTER COLUMN "first_name" SET DATA TYPE VARCHAR(500),
ALTER COLUMN "middle_name" SET DATA TYPE VARCHAR(500),
ALTER COLUMN "last_name" SET DATA TYPE VARCHAR(500),
ALTER COLUMN "full_name" SET DATA TYPE TEXT,
ALTER COLUMN "primary_language" SET DATA TYPE VARCHAR(10),
ALTER COLUMN "job_title" SET DATA TYPE VARCHAR(500);

-- Every number stored before this migration was valid E.164.
UPDATE "contact_phones" SET "e164" = "number";
