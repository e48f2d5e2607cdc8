ALTER TABLE "calls" DROP CONSTRAINT "calls_status_check";--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "calls_lease_expires_idx" ON "calls" USING btree ("lease_expires_at") WHERE "calls"."lease_expires_at" is not null;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_status_check" CHECK ("calls"."status" in ('queued', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled', 'interrupted'));