CREATE TABLE "review_findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"county_code" text NOT NULL,
	"year" text NOT NULL,
	"check" text NOT NULL,
	"record_type" text NOT NULL,
	"record_id" text NOT NULL,
	"severity" text NOT NULL,
	"summary" text NOT NULL,
	"detail" jsonb,
	"status" text DEFAULT 'open' NOT NULL,
	"note" text,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "review_findings_key_uq" ON "review_findings" USING btree ("county_code","year","check","record_id");--> statement-breakpoint
CREATE INDEX "review_findings_county_year_idx" ON "review_findings" USING btree ("county_code","year");