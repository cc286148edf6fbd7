CREATE TABLE "monitoring_area_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"county_code" text NOT NULL,
	"town_code" text NOT NULL,
	"risk_type" text NOT NULL,
	"window_start" date NOT NULL,
	"window_end" date NOT NULL,
	"households" integer NOT NULL,
	"signal_ids" uuid[] NOT NULL,
	"created_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_case_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"action" text NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"on" date NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"actor_level" text,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "monitoring_cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"household_id" uuid NOT NULL,
	"county_code" text NOT NULL,
	"village_code" text NOT NULL,
	"signal_id" uuid,
	"state" text NOT NULL,
	"application" jsonb NOT NULL,
	"visit" jsonb,
	"village_review" jsonb,
	"notice_end" date,
	"objections" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"town_review" jsonb,
	"decision" jsonb,
	"refusal" jsonb,
	"category" text,
	"risk_types" text[],
	"contact" text,
	"last_step_on" date NOT NULL,
	"decided_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_clues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"county_code" text NOT NULL,
	"region_code" text NOT NULL,
	"department" text NOT NULL,
	"name" text NOT NULL,
	"id_hash" text NOT NULL,
	"id_enc" text NOT NULL,
	"id_masked" text NOT NULL,
	"place" text NOT NULL,
	"risk_types" text[] NOT NULL,
	"severity" text NOT NULL,
	"facts" jsonb NOT NULL,
	"explanation" text NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"created_on" date NOT NULL,
	"closed_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_department_orgs" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"department" text NOT NULL,
	"county_code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_intake_rows" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"intake_id" uuid NOT NULL,
	"row" integer NOT NULL,
	"row_key" text NOT NULL,
	"outcome" text NOT NULL,
	"signal_id" uuid,
	"clue_id" uuid,
	"name_masked" text,
	"id_masked" text
);
--> statement-breakpoint
CREATE TABLE "monitoring_intakes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"county_code" text NOT NULL,
	"department" text NOT NULL,
	"month" text NOT NULL,
	"file_name" text NOT NULL,
	"file_hash" text NOT NULL,
	"counts" jsonb NOT NULL,
	"errors" jsonb NOT NULL,
	"created_by" uuid,
	"created_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "monitoring_signals" ADD COLUMN "contact" text;--> statement-breakpoint
ALTER TABLE "monitoring_signals" ADD COLUMN "due_on" date;--> statement-breakpoint
ALTER TABLE "monitoring_case_events" ADD CONSTRAINT "monitoring_case_events_case_id_monitoring_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."monitoring_cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_intake_rows" ADD CONSTRAINT "monitoring_intake_rows_intake_id_monitoring_intakes_id_fk" FOREIGN KEY ("intake_id") REFERENCES "public"."monitoring_intakes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "monitoring_area_alerts_town_idx" ON "monitoring_area_alerts" USING btree ("town_code","risk_type","window_end");--> statement-breakpoint
CREATE INDEX "monitoring_case_events_case_idx" ON "monitoring_case_events" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "monitoring_cases_household_idx" ON "monitoring_cases" USING btree ("household_id","kind","state");--> statement-breakpoint
CREATE INDEX "monitoring_cases_village_idx" ON "monitoring_cases" USING btree ("village_code","state");--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_cases_open_uq" ON "monitoring_cases" USING btree ("household_id","kind") WHERE "monitoring_cases"."state" not in ('decided', 'refused');--> statement-breakpoint
CREATE INDEX "monitoring_clues_region_idx" ON "monitoring_clues" USING btree ("region_code","status");--> statement-breakpoint
CREATE INDEX "monitoring_clues_id_idx" ON "monitoring_clues" USING btree ("id_hash");--> statement-breakpoint
CREATE INDEX "monitoring_intake_rows_intake_idx" ON "monitoring_intake_rows" USING btree ("intake_id","row");--> statement-breakpoint
CREATE INDEX "monitoring_intake_rows_key_idx" ON "monitoring_intake_rows" USING btree ("row_key");--> statement-breakpoint
CREATE INDEX "monitoring_intakes_county_idx" ON "monitoring_intakes" USING btree ("county_code","department","created_at");--> statement-breakpoint
-- Risk types as the national list numbers them: 08 因学 (was 09), 09 因住房安全 (was the invented H1), 10 因饮水安全 (was W1).
UPDATE "monitoring_signals" SET "risk_types" = array_replace(array_replace(array_replace("risk_types", '09', '08'), 'H1', '09'), 'W1', '10'),
  "risk_type" = CASE "risk_type" WHEN '09' THEN '08' WHEN 'H1' THEN '09' WHEN 'W1' THEN '10' ELSE "risk_type" END;
--> statement-breakpoint
-- A signal on a household already monitored was closed on creation ('attached'): it goes to the contact person, open, due in 15 days.
UPDATE "monitoring_signals" SET "status" = 'referred', "closed_on" = NULL, "due_on" = "created_on" + 15 WHERE "status" = 'attached';
