CREATE TABLE "office_hours" (
	"weekday" integer PRIMARY KEY NOT NULL,
	"opens" integer NOT NULL,
	"closes" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "office_hours_weekday_check" CHECK ("office_hours"."weekday" between 0 and 6),
	CONSTRAINT "office_hours_order_check" CHECK ("office_hours"."opens" >= 0 and "office_hours"."closes" <= 1440 and "office_hours"."closes" > "office_hours"."opens")
);
--> statement-breakpoint
CREATE TABLE "on_call_periods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"engineer_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "on_call_periods_order_check" CHECK ("on_call_periods"."ends_at" > "on_call_periods"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "engineers" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "on_call_periods" ADD CONSTRAINT "on_call_periods_engineer_id_engineers_user_id_fk" FOREIGN KEY ("engineer_id") REFERENCES "public"."engineers"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "on_call_periods_ends_idx" ON "on_call_periods" USING btree ("ends_at","starts_at");