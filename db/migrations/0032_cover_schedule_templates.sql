CREATE TABLE "cover_schedule_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"county_code" text NOT NULL,
	"name" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"schedule" jsonb NOT NULL,
	"source_agreement_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "cover_schedule_templates_name_uq" ON "cover_schedule_templates" USING btree ("county_code","name");--> statement-breakpoint
CREATE UNIQUE INDEX "cover_schedule_templates_title_uq" ON "cover_schedule_templates" USING btree ("county_code","title");