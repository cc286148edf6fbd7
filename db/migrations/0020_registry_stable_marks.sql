CREATE TABLE "registry_stable_marks" (
	"county_code" text NOT NULL,
	"household_no" text NOT NULL,
	"via" text NOT NULL,
	"note" text,
	"marked_by" uuid,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "registry_stable_marks_county_code_household_no_pk" PRIMARY KEY("county_code","household_no")
);
--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "stably_lifted_source" text;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "risk_eliminated_month" text;--> statement-breakpoint
ALTER TABLE "registry_staging" ADD COLUMN "stable_source" text;--> statement-breakpoint
ALTER TABLE "registry_staging" ADD COLUMN "risk_eliminated_month" text;--> statement-breakpoint
ALTER TABLE "registry_staging_households" ADD COLUMN "stable_source" text;--> statement-breakpoint
-- Households marked before the source was recorded took their mark from the list's 稳定脱贫 column.
UPDATE "households" SET "stably_lifted_source" = 'list_column' WHERE "stably_lifted";
