-- Rejected rows' cells are sealed under the PII key ring (values_enc). SQL cannot encrypt (the key is
-- the service's), so rows written before this migration keep their clear "values" until the daily job
-- registry.purge-rejected-rows (run at the first tick after start) or `znb pii rotate` seals them.
ALTER TABLE "registry_import_rejected_rows" ALTER COLUMN "values" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "registry_import_rejected_rows" ADD COLUMN "values_enc" text;--> statement-breakpoint
ALTER TABLE "registry_imports" ADD COLUMN "errors_purged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "registry_import_rejected_rows" ADD CONSTRAINT "registry_import_rejected_rows_one_form_ck" CHECK (("registry_import_rejected_rows"."values_enc" is null) <> ("registry_import_rejected_rows"."values" is null));