CREATE INDEX "calls_direction_started_idx" ON "calls" USING btree ("direction","started_at");--> statement-breakpoint
CREATE INDEX "calls_emergency_started_idx" ON "calls" USING btree ("started_at") WHERE "calls"."emergency";--> statement-breakpoint
CREATE INDEX "calls_outbound_to_idx" ON "calls" USING btree ("to_number","started_at") WHERE "calls"."direction" = 'outbound';--> statement-breakpoint
CREATE INDEX "payments_paid_at_idx" ON "payments" USING btree ("paid_at") WHERE "payments"."status" = 'paid';--> statement-breakpoint
CREATE INDEX "quotes_sent_idx" ON "quotes" USING btree ("sent_at") WHERE "quotes"."sent_at" is not null;--> statement-breakpoint
CREATE INDEX "quotes_accepted_idx" ON "quotes" USING btree ("accepted_at") WHERE "quotes"."accepted_at" is not null;--> statement-breakpoint
CREATE INDEX "quotes_open_status_idx" ON "quotes" USING btree ("status") WHERE "quotes"."status" in ('sent', 'viewed', 'accepted', 'deposit_paid');