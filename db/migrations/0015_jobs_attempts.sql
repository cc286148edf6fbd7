-- job_runs.attempts: runs of a period so far (src/jobs/runner.ts): a failed run is tried again after a
-- back-off up to a maximum; a takeover of a dead run counts too. Existing rows were one attempt each.
ALTER TABLE "job_runs" ADD COLUMN "attempts" integer DEFAULT 1 NOT NULL;
