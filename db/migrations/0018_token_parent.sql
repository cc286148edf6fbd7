ALTER TABLE "api_tokens" ADD COLUMN "parent_token_id" uuid;--> statement-breakpoint
CREATE INDEX "api_tokens_parent_idx" ON "api_tokens" USING btree ("parent_token_id");