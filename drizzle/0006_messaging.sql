CREATE TABLE "lead_aliases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lead_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lead_aliases_kind_value_unique" UNIQUE("kind","value")
);
--> statement-breakpoint
CREATE TABLE "missed_call_replies" (
	"phone" text NOT NULL,
	"day" text NOT NULL,
	"missed_call_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "missed_call_replies_pk" PRIMARY KEY("phone","day")
);
--> statement-breakpoint
CREATE TABLE "missed_calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" uuid NOT NULL,
	"lead_id" uuid,
	"phone" text,
	"day" text NOT NULL,
	"reply_message_id" uuid,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	CONSTRAINT "missed_calls_call_unique" UNIQUE("call_id")
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" text NOT NULL,
	"body" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"detail" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "webhook_deliveries_state_check" CHECK ("webhook_deliveries"."state" in ('pending', 'processed', 'unrecognised', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "kind" text DEFAULT 'text' NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "purpose" text DEFAULT 'conversation' NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "issue_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "sender_name" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "username" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "media_id" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "media_type" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "media_size" integer;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "media_key" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "thumbnail_key" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "media_error" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "transcript" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "transcriber" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "extracted" jsonb;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "template" jsonb;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "error" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "sent_by" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "occurred_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "status_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "lead_aliases" ADD CONSTRAINT "lead_aliases_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "missed_call_replies" ADD CONSTRAINT "missed_call_replies_missed_call_id_missed_calls_id_fk" FOREIGN KEY ("missed_call_id") REFERENCES "public"."missed_calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "missed_calls" ADD CONSTRAINT "missed_calls_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "missed_calls" ADD CONSTRAINT "missed_calls_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "missed_calls" ADD CONSTRAINT "missed_calls_reply_message_id_messages_id_fk" FOREIGN KEY ("reply_message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "missed_calls" ADD CONSTRAINT "missed_calls_resolved_by_staff_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lead_aliases_lead_idx" ON "lead_aliases" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "missed_calls_open_idx" ON "missed_calls" USING btree ("created_at") WHERE "missed_calls"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_state_idx" ON "webhook_deliveries" USING btree ("state","received_at");--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_sent_by_staff_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_lead_occurred_idx" ON "messages" USING btree ("lead_id","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "messages_issue_idx" ON "messages" USING btree ("issue_id") WHERE "messages"."issue_id" is not null;--> statement-breakpoint
CREATE INDEX "messages_unread_idx" ON "messages" USING btree ("lead_id") WHERE "messages"."direction" = 'inbound' and "messages"."seen_at" is null;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_kind_check" CHECK ("messages"."kind" in ('text', 'voice', 'audio', 'image', 'video', 'document', 'sticker', 'location', 'contacts', 'template', 'system', 'other'));--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_purpose_check" CHECK ("messages"."purpose" in ('conversation', 'video_request', 'quote', 'missed_call', 'notification'));--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_status_check" CHECK ("messages"."status" in ('received', 'media_pending', 'processing', 'done', 'refused', 'queued', 'sending', 'accepted', 'sent', 'delivered', 'read', 'failed', 'not_sent'));