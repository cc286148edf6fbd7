CREATE TABLE "credit_agricultural_balances" (
	"lender_org_id" uuid NOT NULL,
	"month" text NOT NULL,
	"balance_fen" bigint NOT NULL,
	"file_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_agricultural_balances_lender_org_id_month_pk" PRIMARY KEY("lender_org_id","month")
);
--> statement-breakpoint
ALTER TABLE "credit_agricultural_balances" ADD CONSTRAINT "credit_agricultural_balances_lender_org_id_organisations_id_fk" FOREIGN KEY ("lender_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;