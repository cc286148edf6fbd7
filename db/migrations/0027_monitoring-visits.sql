CREATE TABLE "monitoring_visit_photos" (
	"visit_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"content_type" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	CONSTRAINT "monitoring_visit_photos_visit_id_seq_pk" PRIMARY KEY("visit_id","seq")
);
--> statement-breakpoint
CREATE TABLE "monitoring_visits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"county_code" text NOT NULL,
	"village_code" text NOT NULL,
	"visited_on" date NOT NULL,
	"mode" text NOT NULL,
	"remote_reason" text,
	"visitors" text[] NOT NULL,
	"findings" jsonb NOT NULL,
	"actor_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "monitoring_visit_photos" ADD CONSTRAINT "monitoring_visit_photos_visit_id_monitoring_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."monitoring_visits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "monitoring_visits_household_idx" ON "monitoring_visits" USING btree ("household_id","visited_on");--> statement-breakpoint
CREATE INDEX "monitoring_visits_village_idx" ON "monitoring_visits" USING btree ("village_code","visited_on");