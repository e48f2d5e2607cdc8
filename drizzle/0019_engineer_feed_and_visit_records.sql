CREATE TABLE "visit_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"appointment_id" uuid NOT NULL,
	"issue_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"note" text,
	"photo_key" text,
	"thumbnail_key" text,
	"content_type" text,
	"size" integer,
	"by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "visit_records_kind_check" CHECK ("visit_records"."kind" in ('note', 'photo')),
	CONSTRAINT "visit_records_shape_check" CHECK (("visit_records"."kind" = 'note' and "visit_records"."note" is not null) or ("visit_records"."kind" = 'photo' and "visit_records"."photo_key" is not null))
);
--> statement-breakpoint
ALTER TABLE "engineers" ADD COLUMN "calendar_token" text;--> statement-breakpoint
ALTER TABLE "visit_records" ADD CONSTRAINT "visit_records_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_records" ADD CONSTRAINT "visit_records_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_records" ADD CONSTRAINT "visit_records_by_user_id_staff_users_id_fk" FOREIGN KEY ("by_user_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "visit_records_issue_idx" ON "visit_records" USING btree ("issue_id","created_at");--> statement-breakpoint
CREATE INDEX "visit_records_appointment_idx" ON "visit_records" USING btree ("appointment_id","created_at");--> statement-breakpoint
ALTER TABLE "engineers" ADD CONSTRAINT "engineers_calendar_token_unique" UNIQUE("calendar_token");