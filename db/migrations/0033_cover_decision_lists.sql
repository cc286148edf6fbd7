CREATE TABLE "cover_bill_cache" (
	"agreement_id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"enrolment_version" bigint NOT NULL,
	"previous_bill_id" uuid,
	"agreement_updated_at" timestamp with time zone NOT NULL,
	"detail" jsonb NOT NULL,
	CONSTRAINT "cover_bill_cache_pk" PRIMARY KEY("agreement_id","as_of")
);
--> statement-breakpoint
CREATE TABLE "cover_decision_counts" (
	"agreement_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"code" text NOT NULL,
	"n" integer NOT NULL,
	"sample" text NOT NULL,
	CONSTRAINT "cover_decision_counts_pk" PRIMARY KEY("agreement_id","decision","code")
);
--> statement-breakpoint
CREATE TABLE "cover_decision_reasons" (
	"agreement_id" uuid NOT NULL,
	"code" text NOT NULL,
	"village_code" text NOT NULL,
	"household_no" text NOT NULL,
	"person_id" uuid NOT NULL,
	"decision" text NOT NULL,
	CONSTRAINT "cover_decision_reasons_pk" PRIMARY KEY("agreement_id","code","village_code","household_no","person_id")
);
--> statement-breakpoint
ALTER TABLE "cover_agreements" ADD COLUMN "enrolment_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cover_decisions" ADD COLUMN "village_code" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "cover_decisions" ADD COLUMN "household_no" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "cover_decisions_list_idx" ON "cover_decisions" USING btree ("agreement_id","village_code","household_no","person_id");--> statement-breakpoint
-- Decisions made before this migration: their order columns, reason rows and counts.
UPDATE "cover_decisions" d SET "village_code" = p."village_code", "household_no" = h."household_no"
FROM "persons" p JOIN "households" h ON h."id" = p."household_id" WHERE p."id" = d."person_id";--> statement-breakpoint
INSERT INTO "cover_decision_reasons" ("agreement_id", "code", "village_code", "household_no", "person_id", "decision")
SELECT DISTINCT d."agreement_id", r->>'code', d."village_code", d."household_no", d."person_id", d."decision"
FROM "cover_decisions" d CROSS JOIN LATERAL jsonb_array_elements(d."reasons") r WHERE r->>'code' IS NOT NULL;--> statement-breakpoint
INSERT INTO "cover_decision_counts" ("agreement_id", "decision", "code", "n", "sample")
SELECT d."agreement_id", d."decision", r->>'code', count(DISTINCT d."person_id")::int, min(r->>'message')
FROM "cover_decisions" d CROSS JOIN LATERAL jsonb_array_elements(d."reasons") r WHERE r->>'code' IS NOT NULL
GROUP BY 1, 2, 3;--> statement-breakpoint
-- Statistics for the new rows, so the first list after the upgrade is an index range, not a sort.
ANALYZE "cover_decisions", "cover_decision_reasons";--> statement-breakpoint
-- Every statement that changes an agreement's enrolments raises its enrolment_version in the same
-- transaction, whichever code runs it: a bill computed under an older number is not shown again.
CREATE FUNCTION "cover_enrolments_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cover_agreements SET enrolment_version = enrolment_version + 1
  WHERE id IN (SELECT DISTINCT agreement_id FROM changed);
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "cover_enrolments_inserted" AFTER INSERT ON "cover_enrolments"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "cover_enrolments_changed"();--> statement-breakpoint
CREATE TRIGGER "cover_enrolments_updated" AFTER UPDATE ON "cover_enrolments"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "cover_enrolments_changed"();--> statement-breakpoint
CREATE TRIGGER "cover_enrolments_deleted" AFTER DELETE ON "cover_enrolments"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "cover_enrolments_changed"();
