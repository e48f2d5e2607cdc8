ALTER TABLE "staff_users" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "audit_log_who_trgm_idx" ON "audit_log" USING gin ("who" gin_trgm_ops) WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "audit_log_what_trgm_idx" ON "audit_log" USING gin ("what" gin_trgm_ops) WITH (fastupdate=false);