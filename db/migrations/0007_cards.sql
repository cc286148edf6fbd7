CREATE SEQUENCE "public"."card_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "card_batch_chunks" (
	"batch_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "card_batch_chunks_batch_id_seq_pk" PRIMARY KEY("batch_id","seq")
);
--> statement-breakpoint
CREATE TABLE "card_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agreement_id" uuid NOT NULL,
	"region_code" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"size_bytes" bigint,
	"file_name" text NOT NULL,
	"error" jsonb,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"card_no" text NOT NULL,
	"agreement_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"village_code" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "card_batch_chunks" ADD CONSTRAINT "card_batch_chunks_batch_id_card_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."card_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_batches" ADD CONSTRAINT "card_batches_agreement_id_cover_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."cover_agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cards" ADD CONSTRAINT "cards_agreement_id_cover_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."cover_agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "card_batches_agreement_idx" ON "card_batches" USING btree ("agreement_id","created_at");--> statement-breakpoint
CREATE INDEX "card_batches_running_idx" ON "card_batches" USING btree ("status") WHERE "card_batches"."status" in ('queued', 'running');--> statement-breakpoint
CREATE UNIQUE INDEX "cards_no_uq" ON "cards" USING btree ("card_no");--> statement-breakpoint
CREATE UNIQUE INDEX "cards_agreement_household_uq" ON "cards" USING btree ("agreement_id","household_id");--> statement-breakpoint
CREATE INDEX "cards_household_idx" ON "cards" USING btree ("household_id");