ALTER TABLE "claims" ADD COLUMN "report_channel" text DEFAULT 'system' NOT NULL;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "late_entry_reason" text;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "open_deadlines" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "next_due_on" date;--> statement-breakpoint
CREATE INDEX "claims_next_due_idx" ON "claims" USING btree ("next_due_on") WHERE "claims"."next_due_on" is not null;--> statement-breakpoint
-- Claims a household reported itself came through its card's page. Open deadlines of existing claims
-- are filled in by the next run of the daily job claims.mark-overdue (`znb jobs run` runs it when it is due).
UPDATE "claims" SET "report_channel" = 'card' WHERE "reported_via" = 'household';
