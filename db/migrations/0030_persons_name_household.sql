DROP INDEX "persons_name_idx";--> statement-breakpoint
CREATE INDEX "persons_name_household_idx" ON "persons" USING btree ("name" text_pattern_ops,"household_id","village_code");