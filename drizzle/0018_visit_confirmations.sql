ALTER TABLE "appointments" ADD COLUMN "confirm_token_hash" text;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "change_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_confirm_token_unique" UNIQUE("confirm_token_hash");--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_idempotency_key_unique" UNIQUE("idempotency_key");