CREATE TABLE "monitoring_consumed" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"event_seq" bigint NOT NULL,
	"consumed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"result" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_ledgers" (
	"county_code" text NOT NULL,
	"month" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"rows" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitoring_ledgers_county_code_month_pk" PRIMARY KEY("county_code","month")
);
--> statement-breakpoint
CREATE TABLE "monitoring_signal_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"signal_id" uuid NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"on" date NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "monitoring_signals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"county_code" text NOT NULL,
	"village_code" text NOT NULL,
	"risk_type" text NOT NULL,
	"risk_types" text[] NOT NULL,
	"severity" text NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"case_relation" text NOT NULL,
	"window_start" date NOT NULL,
	"window_end" date NOT NULL,
	"evidence" jsonb NOT NULL,
	"created_on" date NOT NULL,
	"assigned_to" jsonb,
	"assigned_on" date,
	"visits" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"confirmation" jsonb,
	"dismissal" jsonb,
	"closed_on" date,
	"overdue_steps" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "monitoring_signal_events" ADD CONSTRAINT "monitoring_signal_events_signal_id_monitoring_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."monitoring_signals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "monitoring_signal_events_signal_idx" ON "monitoring_signal_events" USING btree ("signal_id","id");--> statement-breakpoint
CREATE INDEX "monitoring_signals_household_idx" ON "monitoring_signals" USING btree ("household_id","risk_type","window_end");--> statement-breakpoint
CREATE INDEX "monitoring_signals_village_idx" ON "monitoring_signals" USING btree ("village_code","status");--> statement-breakpoint
CREATE INDEX "monitoring_signals_open_idx" ON "monitoring_signals" USING btree ("status") WHERE "monitoring_signals"."status" in ('new', 'assigned', 'verifying');