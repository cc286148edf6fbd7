DROP INDEX "households_village_idx";--> statement-breakpoint
CREATE INDEX "households_village_no_id_idx" ON "households" USING btree ("village_code","household_no","id");