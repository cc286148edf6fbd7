CREATE SEQUENCE "public"."claim_no_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "claim_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" uuid NOT NULL,
	"name" text NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"uploaded_by" uuid,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claim_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"claim_id" uuid NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"on" date NOT NULL,
	"actor_id" uuid,
	"actor_role" text,
	"note" text,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "claim_overdue" (
	"claim_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"due_on" date NOT NULL,
	"marked_on" date NOT NULL,
	"resolved_on" date,
	"open" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claim_payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"payee_name" text NOT NULL,
	"payee_relation" text NOT NULL,
	"payee_person_id" uuid,
	"bank_name" text NOT NULL,
	"account_hash" text NOT NULL,
	"account_enc" text NOT NULL,
	"account_masked" text NOT NULL,
	"reference" text NOT NULL,
	"paid_on" date NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claim_payments_amount_ck" CHECK ("claim_payments"."amount_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_no" text NOT NULL,
	"agreement_id" uuid NOT NULL,
	"county_code" text NOT NULL,
	"village_code" text NOT NULL,
	"household_id" uuid NOT NULL,
	"person_id" uuid,
	"line" text NOT NULL,
	"cause" text NOT NULL,
	"loss_date" date NOT NULL,
	"place" text NOT NULL,
	"description" text NOT NULL,
	"details" jsonb NOT NULL,
	"reporter_name" text,
	"reporter_phone_enc" text,
	"reported_via" text NOT NULL,
	"reported_by" uuid,
	"reported_on" date NOT NULL,
	"status" text DEFAULT 'reported' NOT NULL,
	"documents_requested" jsonb,
	"documents_requested_on" date,
	"documents_complete_on" date,
	"assessment" jsonb,
	"assessed_on" date,
	"decision" text,
	"rejection_reason" text,
	"decision_note" text,
	"approved_fen" bigint,
	"decided_on" date,
	"rejection_notice_on" date,
	"agreed_on" date,
	"paid_fen" bigint DEFAULT 0 NOT NULL,
	"first_advance_paid_on" date,
	"final_paid_on" date,
	"closed_on" date,
	"withdrawn_on" date,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"overdue_kinds" text[] DEFAULT '{}'::text[] NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claims_paid_ck" CHECK ("claims"."paid_fen" >= 0 and ("claims"."approved_fen" is null or "claims"."paid_fen" <= "claims"."approved_fen" or "claims"."decision" is null))
);
--> statement-breakpoint
CREATE TABLE "domain_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"dedupe_key" text NOT NULL,
	"region_code" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "claim_documents" ADD CONSTRAINT "claim_documents_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_events" ADD CONSTRAINT "claim_events_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_overdue" ADD CONSTRAINT "claim_overdue_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_payments" ADD CONSTRAINT "claim_payments_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_agreement_id_cover_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."cover_agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claim_documents_claim_idx" ON "claim_documents" USING btree ("claim_id");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_documents_same_file_uq" ON "claim_documents" USING btree ("claim_id","name","sha256");--> statement-breakpoint
CREATE INDEX "claim_events_claim_idx" ON "claim_events" USING btree ("claim_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_overdue_uq" ON "claim_overdue" USING btree ("claim_id","kind","due_on");--> statement-breakpoint
CREATE INDEX "claim_overdue_open_idx" ON "claim_overdue" USING btree ("open","marked_on");--> statement-breakpoint
CREATE INDEX "claim_payments_claim_idx" ON "claim_payments" USING btree ("claim_id");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_payments_final_uq" ON "claim_payments" USING btree ("claim_id") WHERE "claim_payments"."kind" = 'final';--> statement-breakpoint
CREATE UNIQUE INDEX "claim_payments_reference_uq" ON "claim_payments" USING btree ("reference");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_no_uq" ON "claims" USING btree ("claim_no");--> statement-breakpoint
CREATE INDEX "claims_agreement_idx" ON "claims" USING btree ("agreement_id","status");--> statement-breakpoint
CREATE INDEX "claims_household_idx" ON "claims" USING btree ("household_id","loss_date");--> statement-breakpoint
CREATE INDEX "claims_person_idx" ON "claims" USING btree ("person_id","line");--> statement-breakpoint
CREATE INDEX "claims_village_idx" ON "claims" USING btree ("village_code");--> statement-breakpoint
CREATE INDEX "claims_open_idx" ON "claims" USING btree ("status") WHERE "claims"."status" not in ('closed', 'withdrawn');--> statement-breakpoint
CREATE UNIQUE INDEX "domain_events_id_uq" ON "domain_events" USING btree ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "domain_events_dedupe_uq" ON "domain_events" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "domain_events_type_idx" ON "domain_events" USING btree ("type","seq");