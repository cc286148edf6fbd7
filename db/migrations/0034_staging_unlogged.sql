-- An import's staging rows live from the upload to the end of its merge and are deleted then: they
-- need no write-ahead log. Unlogged, a million staged rows are written once instead of twice; after
-- a crash PostgreSQL empties these tables, and the import they belonged to is failed anyway (the
-- stale-import job, src/jobs/schedule.ts).
ALTER TABLE "registry_staging" SET UNLOGGED;--> statement-breakpoint
ALTER TABLE "registry_staging_households" SET UNLOGGED;
