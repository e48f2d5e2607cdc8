CREATE TABLE "live_channels" (
	"name" text PRIMARY KEY NOT NULL,
	"last_id" integer NOT NULL,
	"touched_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "live_events" (
	"channel" text NOT NULL,
	"id" integer NOT NULL,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"replay" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_events_channel_id_pk" PRIMARY KEY("channel","id")
);
--> statement-breakpoint
CREATE INDEX "live_events_created_idx" ON "live_events" USING btree ("created_at");