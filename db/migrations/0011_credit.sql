CREATE TABLE "credit_balances" (
	"loan_id" uuid NOT NULL,
	"month" text NOT NULL,
	"balance_fen" bigint NOT NULL,
	"overdue_principal_fen" bigint,
	"days_past_due" integer,
	"file_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_balances_loan_id_month_pk" PRIMARY KEY("loan_id","month")
);
--> statement-breakpoint
CREATE TABLE "credit_compensations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"loan_id" uuid NOT NULL,
	"county_code" text NOT NULL,
	"lender_org_id" uuid NOT NULL,
	"opened_on" date NOT NULL,
	"days_past_due" integer NOT NULL,
	"loss_fen" bigint NOT NULL,
	"fund_share_bp" integer NOT NULL,
	"fund_fen" bigint NOT NULL,
	"bank_fen" bigint NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"paid_on" date,
	"recovered_fen" bigint DEFAULT 0 NOT NULL,
	"fund_recovered_fen" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lender_org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"month" text NOT NULL,
	"file_name" text NOT NULL,
	"file_hash" text NOT NULL,
	"file_size" bigint NOT NULL,
	"status" text NOT NULL,
	"summary" jsonb NOT NULL,
	"created_by" uuid,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_fund_movements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"county_code" text NOT NULL,
	"kind" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"on" date NOT NULL,
	"case_id" uuid,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_loan_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"loan_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"on" date NOT NULL,
	"detail" jsonb,
	"actor_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_loan_status" (
	"loan_id" uuid PRIMARY KEY NOT NULL,
	"as_of" date NOT NULL,
	"balance_fen" bigint NOT NULL,
	"overdue_principal_fen" bigint NOT NULL,
	"overdue_interest_fen" bigint NOT NULL,
	"days_past_due" integer NOT NULL,
	"bucket" text NOT NULL,
	"overdue_since" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_loans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lender_org_id" uuid NOT NULL,
	"loan_no" text NOT NULL,
	"county_code" text NOT NULL,
	"village_code" text NOT NULL,
	"household_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"amount_fen" bigint NOT NULL,
	"term_months" integer NOT NULL,
	"rate_bp" integer NOT NULL,
	"purpose" text NOT NULL,
	"guarantee" text NOT NULL,
	"method" text NOT NULL,
	"interest_period_months" integer NOT NULL,
	"disbursed_on" date NOT NULL,
	"maturity_on" date NOT NULL,
	"original_maturity_on" date NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"settled_on" date,
	"exceptions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"renewal_of_id" uuid,
	"extensions" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_loans_amount_ck" CHECK ("credit_loans"."amount_fen" > 0),
	CONSTRAINT "credit_loans_term_ck" CHECK ("credit_loans"."term_months" > 0)
);
--> statement-breakpoint
CREATE TABLE "credit_repayments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"loan_id" uuid NOT NULL,
	"paid_on" date NOT NULL,
	"principal_fen" bigint NOT NULL,
	"interest_fen" bigint NOT NULL,
	"penalty_fen" bigint DEFAULT 0 NOT NULL,
	"ref" text NOT NULL,
	"file_id" uuid,
	"row" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"county_code" text NOT NULL,
	"period" text NOT NULL,
	"report" jsonb NOT NULL,
	"xlsx" "bytea",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_schedule" (
	"loan_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"due_on" date NOT NULL,
	"principal_fen" bigint NOT NULL,
	"interest_fen" bigint NOT NULL,
	"superseded" boolean DEFAULT false NOT NULL,
	CONSTRAINT "credit_schedule_loan_id_seq_pk" PRIMARY KEY("loan_id","seq")
);
--> statement-breakpoint
ALTER TABLE "credit_balances" ADD CONSTRAINT "credit_balances_loan_id_credit_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."credit_loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_compensations" ADD CONSTRAINT "credit_compensations_loan_id_credit_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."credit_loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_files" ADD CONSTRAINT "credit_files_lender_org_id_organisations_id_fk" FOREIGN KEY ("lender_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_loan_events" ADD CONSTRAINT "credit_loan_events_loan_id_credit_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."credit_loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_loan_status" ADD CONSTRAINT "credit_loan_status_loan_id_credit_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."credit_loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_loans" ADD CONSTRAINT "credit_loans_lender_org_id_organisations_id_fk" FOREIGN KEY ("lender_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_loans" ADD CONSTRAINT "credit_loans_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_loans" ADD CONSTRAINT "credit_loans_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_repayments" ADD CONSTRAINT "credit_repayments_loan_id_credit_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."credit_loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_schedule" ADD CONSTRAINT "credit_schedule_loan_id_credit_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."credit_loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credit_compensations_loan_uq" ON "credit_compensations" USING btree ("loan_id");--> statement-breakpoint
CREATE INDEX "credit_compensations_county_idx" ON "credit_compensations" USING btree ("county_code","status");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_files_lender_hash_uq" ON "credit_files" USING btree ("lender_org_id","kind","file_hash") WHERE "credit_files"."status" = 'applied';--> statement-breakpoint
CREATE INDEX "credit_files_lender_month_idx" ON "credit_files" USING btree ("lender_org_id","month");--> statement-breakpoint
CREATE INDEX "credit_fund_movements_county_idx" ON "credit_fund_movements" USING btree ("county_code","on");--> statement-breakpoint
CREATE INDEX "credit_loan_events_loan_idx" ON "credit_loan_events" USING btree ("loan_id","id");--> statement-breakpoint
CREATE INDEX "credit_loan_status_bucket_idx" ON "credit_loan_status" USING btree ("bucket");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_loans_lender_no_uq" ON "credit_loans" USING btree ("lender_org_id","loan_no");--> statement-breakpoint
CREATE INDEX "credit_loans_county_idx" ON "credit_loans" USING btree ("county_code","status");--> statement-breakpoint
CREATE INDEX "credit_loans_village_idx" ON "credit_loans" USING btree ("village_code");--> statement-breakpoint
CREATE INDEX "credit_loans_household_idx" ON "credit_loans" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "credit_loans_lender_disbursed_idx" ON "credit_loans" USING btree ("lender_org_id","disbursed_on");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_repayments_ref_uq" ON "credit_repayments" USING btree ("loan_id","ref");--> statement-breakpoint
CREATE INDEX "credit_repayments_loan_idx" ON "credit_repayments" USING btree ("loan_id","paid_on");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_reports_uq" ON "credit_reports" USING btree ("kind","county_code","period");--> statement-breakpoint
CREATE INDEX "credit_schedule_due_idx" ON "credit_schedule" USING btree ("due_on");