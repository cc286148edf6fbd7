CREATE TABLE "cover_agreements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agreement_no" text NOT NULL,
	"procurement_ref" text,
	"county_code" text NOT NULL,
	"county_org_id" uuid NOT NULL,
	"insurer_org_id" uuid NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"premium_rule" text NOT NULL,
	"schedule" jsonb NOT NULL,
	"claim_terms" jsonb NOT NULL,
	"policy_no" text,
	"signed_at" timestamp with time zone,
	"issued_at" timestamp with time zone,
	"terminated_on" date,
	"termination_reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cover_agreements_period_ck" CHECK ("cover_agreements"."period_start" <= "cover_agreements"."period_end")
);
--> statement-breakpoint
CREATE TABLE "cover_bills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agreement_id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"total_fen" bigint NOT NULL,
	"detail" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cover_decisions" (
	"agreement_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"decided_on" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cover_enrolments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"agreement_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"village_code" text NOT NULL,
	"cover_start" date NOT NULL,
	"cover_end" date NOT NULL,
	"end_reason" text,
	"reasons" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "cover_enrolments_span_ck" CHECK ("cover_enrolments"."cover_start" <= "cover_enrolments"."cover_end")
);
--> statement-breakpoint
ALTER TABLE "cover_bills" ADD CONSTRAINT "cover_bills_agreement_id_cover_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."cover_agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cover_enrolments" ADD CONSTRAINT "cover_enrolments_agreement_id_cover_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."cover_agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cover_agreements_no_uq" ON "cover_agreements" USING btree ("agreement_no");--> statement-breakpoint
CREATE UNIQUE INDEX "cover_agreements_policy_no_uq" ON "cover_agreements" USING btree ("policy_no");--> statement-breakpoint
CREATE INDEX "cover_agreements_county_idx" ON "cover_agreements" USING btree ("county_code");--> statement-breakpoint
CREATE INDEX "cover_bills_agreement_idx" ON "cover_bills" USING btree ("agreement_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "cover_decisions_uq" ON "cover_decisions" USING btree ("agreement_id","person_id");--> statement-breakpoint
CREATE INDEX "cover_enrolments_agreement_idx" ON "cover_enrolments" USING btree ("agreement_id","village_code");--> statement-breakpoint
CREATE INDEX "cover_enrolments_person_idx" ON "cover_enrolments" USING btree ("person_id","cover_start");--> statement-breakpoint
CREATE INDEX "cover_enrolments_household_idx" ON "cover_enrolments" USING btree ("household_id");