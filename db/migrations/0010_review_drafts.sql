CREATE TABLE "review_drafts" (
	"county_code" text NOT NULL,
	"year" text NOT NULL,
	"agreement_id" uuid NOT NULL,
	"prepared_on" text NOT NULL,
	"review" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "review_drafts_uq" ON "review_drafts" USING btree ("county_code","year","agreement_id");