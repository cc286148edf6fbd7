CREATE TABLE "households" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"county_code" text NOT NULL,
	"household_no" text NOT NULL,
	"village_code" text NOT NULL,
	"head_name" text NOT NULL,
	"household_type" text,
	"monitoring_category" text,
	"risk_eliminated" boolean,
	"identified_month" text,
	"income_per_capita_fen" bigint,
	"stably_lifted" boolean DEFAULT false NOT NULL,
	"member_count" integer NOT NULL,
	"eligible" boolean NOT NULL,
	"eligibility_reasons" jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"listed_on" date NOT NULL,
	"delisted_on" date,
	"fingerprint" text NOT NULL,
	"first_import_id" uuid,
	"last_changed_import_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"county_code" text NOT NULL,
	"village_code" text NOT NULL,
	"person_no" text,
	"name" text NOT NULL,
	"id_hash" text NOT NULL,
	"id_enc" text NOT NULL,
	"id_masked" text NOT NULL,
	"birth_date" date NOT NULL,
	"sex" text NOT NULL,
	"relationship_code" text NOT NULL,
	"relationship_label" text NOT NULL,
	"is_head" boolean NOT NULL,
	"labour_skill" text,
	"health_status" text,
	"centrally_supported" boolean DEFAULT false NOT NULL,
	"phone_enc" text,
	"extra" jsonb,
	"eligible" boolean NOT NULL,
	"eligibility_reasons" jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"listed_on" date NOT NULL,
	"delisted_on" date,
	"fingerprint" text NOT NULL,
	"first_import_id" uuid,
	"last_changed_import_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"parent_code" text,
	"level" text NOT NULL,
	CONSTRAINT "regions_code_ck" CHECK ("regions"."code" ~ '^[0-9]{12}$')
);
--> statement-breakpoint
CREATE TABLE "registry_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_id" uuid NOT NULL,
	"county_code" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"change" text NOT NULL,
	"on_date" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registry_import_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_id" uuid NOT NULL,
	"row" integer NOT NULL,
	"column" text NOT NULL,
	"code" text NOT NULL,
	"message" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registry_import_rejected_rows" (
	"import_id" uuid NOT NULL,
	"row" integer NOT NULL,
	"values" jsonb NOT NULL,
	CONSTRAINT "registry_import_rejected_rows_import_id_row_pk" PRIMARY KEY("import_id","row")
);
--> statement-breakpoint
CREATE TABLE "registry_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"county_code" text NOT NULL,
	"file_name" text NOT NULL,
	"file_hash" text NOT NULL,
	"file_size" bigint NOT NULL,
	"format" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"phase" text,
	"dry_run" boolean DEFAULT false NOT NULL,
	"list_date" date NOT NULL,
	"created_by" uuid,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_per_second" integer,
	"summary" jsonb,
	"error" jsonb
);
--> statement-breakpoint
CREATE TABLE "registry_staging" (
	"import_id" uuid NOT NULL,
	"row" integer NOT NULL,
	"household_no" text,
	"id_hash" text,
	"rejected" boolean DEFAULT false NOT NULL,
	"person_no" text,
	"name" text,
	"id_enc" text,
	"id_masked" text,
	"birth_date" date,
	"sex" text,
	"rel_code" text,
	"rel_label" text,
	"is_head" boolean,
	"village_code" text,
	"household_type" text,
	"monitoring_category" text,
	"risk_eliminated" boolean,
	"identified_month" text,
	"income_fen" bigint,
	"labour_skill" text,
	"health_status" text,
	"centrally_supported" boolean,
	"stably_lifted" boolean,
	"phone_enc" text,
	"extra" jsonb,
	"fingerprint" text,
	CONSTRAINT "registry_staging_import_id_row_pk" PRIMARY KEY("import_id","row")
);
--> statement-breakpoint
CREATE TABLE "registry_staging_households" (
	"import_id" uuid NOT NULL,
	"household_no" text NOT NULL,
	"village_code" text NOT NULL,
	"head_row" integer NOT NULL,
	"member_count" integer NOT NULL,
	"eligible" boolean NOT NULL,
	"reasons" jsonb NOT NULL,
	"member_eligible" boolean NOT NULL,
	"member_reasons" jsonb NOT NULL,
	"cs_member_eligible" boolean NOT NULL,
	"cs_member_reasons" jsonb NOT NULL,
	"fingerprint" text NOT NULL,
	CONSTRAINT "registry_staging_households_import_id_household_no_pk" PRIMARY KEY("import_id","household_no")
);
--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_import_errors" ADD CONSTRAINT "registry_import_errors_import_id_registry_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."registry_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_import_rejected_rows" ADD CONSTRAINT "registry_import_rejected_rows_import_id_registry_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."registry_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "households_county_no_uq" ON "households" USING btree ("county_code","household_no");--> statement-breakpoint
CREATE INDEX "households_village_idx" ON "households" USING btree ("village_code");--> statement-breakpoint
CREATE INDEX "households_head_name_idx" ON "households" USING btree ("head_name");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_id_hash_uq" ON "persons" USING btree ("id_hash");--> statement-breakpoint
CREATE INDEX "persons_household_idx" ON "persons" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "persons_county_status_idx" ON "persons" USING btree ("county_code","status");--> statement-breakpoint
CREATE INDEX "persons_village_idx" ON "persons" USING btree ("village_code");--> statement-breakpoint
CREATE INDEX "persons_name_idx" ON "persons" USING btree ("name");--> statement-breakpoint
CREATE INDEX "regions_parent_idx" ON "regions" USING btree ("parent_code");--> statement-breakpoint
CREATE INDEX "registry_changes_county_date_idx" ON "registry_changes" USING btree ("county_code","on_date");--> statement-breakpoint
CREATE INDEX "registry_changes_entity_idx" ON "registry_changes" USING btree ("entity_id");--> statement-breakpoint
CREATE INDEX "registry_changes_import_idx" ON "registry_changes" USING btree ("import_id");--> statement-breakpoint
CREATE INDEX "registry_import_errors_import_idx" ON "registry_import_errors" USING btree ("import_id","row");--> statement-breakpoint
CREATE INDEX "registry_imports_county_idx" ON "registry_imports" USING btree ("county_code","created_at");--> statement-breakpoint
CREATE INDEX "registry_staging_household_idx" ON "registry_staging" USING btree ("import_id","household_no");--> statement-breakpoint
CREATE INDEX "registry_staging_hash_idx" ON "registry_staging" USING btree ("import_id","id_hash");