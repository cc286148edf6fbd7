ALTER TABLE "monitoring_intake_rows" ADD COLUMN "id_hash" text;--> statement-breakpoint
ALTER TABLE "monitoring_intake_rows" ADD COLUMN "on" date;--> statement-breakpoint
ALTER TABLE "monitoring_intake_rows" ADD COLUMN "self_paid_fen" bigint;--> statement-breakpoint
CREATE INDEX "monitoring_intake_rows_person_idx" ON "monitoring_intake_rows" USING btree ("id_hash","on");