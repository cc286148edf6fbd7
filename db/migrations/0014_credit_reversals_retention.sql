-- Credit corrections and retention: a wrong repayment is reversed (冲正) in place — the row stays, marked
-- with when, by whom and why, and drops out of every figure; a bank file's summary loses its row errors
-- and reconciliation lines after 'credit.bank_file_errors_retention_days' (errors_purged_at).
ALTER TABLE "credit_files" ADD COLUMN "errors_purged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "credit_repayments" ADD COLUMN "reversed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "credit_repayments" ADD COLUMN "reversed_by" uuid;--> statement-breakpoint
ALTER TABLE "credit_repayments" ADD COLUMN "reversal_reason" text;--> statement-breakpoint
ALTER TABLE "credit_repayments" ADD CONSTRAINT "credit_repayments_reversal_ck" CHECK (("credit_repayments"."reversed_at" is null) = ("credit_repayments"."reversal_reason" is null));--> statement-breakpoint
DROP INDEX "credit_repayments_ref_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "credit_repayments_ref_uq" ON "credit_repayments" USING btree ("loan_id","ref") WHERE "credit_repayments"."reversed_at" is null;