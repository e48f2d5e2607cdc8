CREATE INDEX "issues_address_trgm_idx" ON "issues" USING gin ("address" gin_trgm_ops) WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "issues_postcode_trgm_idx" ON "issues" USING gin ((replace("postcode", ' ', '')) gin_trgm_ops) WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "leads_address_trgm_idx" ON "leads" USING gin ("address" gin_trgm_ops) WITH (fastupdate=false);