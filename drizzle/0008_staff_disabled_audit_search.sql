ALTER TABLE "staff_users" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "audit_log_who_idx" ON "audit_log" USING btree ("who","at");--> statement-breakpoint
CREATE INDEX "audit_log_what_trgm_idx" ON "audit_log" USING gin ("what" gin_trgm_ops) WITH (fastupdate=false);