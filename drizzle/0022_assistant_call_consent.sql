CREATE TABLE "automated_call_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"phone" text NOT NULL,
	"day" text NOT NULL,
	"reserved_at" timestamp with time zone NOT NULL,
	"call_id" text,
	CONSTRAINT "automated_call_attempts_phone_day_unique" UNIQUE("phone","day")
);
--> statement-breakpoint
CREATE TABLE "automated_call_opt_outs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"phone" text NOT NULL,
	"source" text NOT NULL,
	"call_id" text,
	"opted_out_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone,
	"removed_by" text,
	"removal_reason" text,
	CONSTRAINT "automated_call_opt_outs_source_check" CHECK (source in ('pressed_9', 'said_stop'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "automated_call_opt_outs_standing_unique" ON "automated_call_opt_outs" USING btree ("phone") WHERE "automated_call_opt_outs"."removed_at" is null;--> statement-breakpoint
CREATE INDEX "automated_call_opt_outs_at_idx" ON "automated_call_opt_outs" USING btree ("opted_out_at");