-- Each missed call with when staff first called back and first messaged back (within 7 days:
-- RECOVERY_DAYS in src/domain/reports/figures.ts; the rule itself is RECOVERY_CTES in
-- src/adapters/db/reports/missed-recovery.ts), kept by the writes, so the calls page reads a
-- year's missed calls as one narrow row each instead of joining them to every call back and
-- staff message on each load. A write that could change a missed call's recovery recounts that
-- call's row, after locking it (so two writers queue and the second sees the first's rows).
CREATE TABLE "report_missed_calls" (
	"call_id" uuid PRIMARY KEY NOT NULL REFERENCES "calls"("id") ON DELETE CASCADE,
	"started_at" timestamp with time zone NOT NULL,
	"from_number" text NOT NULL,
	"lead_id" uuid,
	"called_back_at" timestamp with time zone,
	"messaged_back_at" timestamp with time zone
);--> statement-breakpoint
CREATE INDEX "report_missed_calls_started_idx" ON "report_missed_calls" ("started_at");--> statement-breakpoint
CREATE INDEX "report_missed_calls_from_idx" ON "report_missed_calls" ("from_number", "started_at");--> statement-breakpoint
CREATE INDEX "report_missed_calls_lead_idx" ON "report_missed_calls" ("lead_id", "started_at");--> statement-breakpoint

CREATE FUNCTION report_recount_missed(call uuid) RETURNS void
LANGUAGE plpgsql
-- Single-table look-ups by key, planned for the tables as they are now (not from a plan cached
-- while a bulk insert's table still looked empty).
SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  c calls;
BEGIN
  SELECT * INTO c FROM calls WHERE id = call;
  IF NOT FOUND OR NOT (c.direction = 'inbound' AND c.answered_at IS NULL AND c.status IN ('no-answer', 'busy', 'canceled')) THEN
    DELETE FROM report_missed_calls WHERE call_id = call;
    RETURN;
  END IF;
  PERFORM 1 FROM report_missed_calls WHERE call_id = call FOR UPDATE;
  -- The caller's rows first (MATERIALIZED), then their minimum: not min() turned into a walk of
  -- every call's started_at index until one to this number turns up.
  WITH o AS MATERIALIZED (
    SELECT started_at FROM calls WHERE direction = 'outbound' AND to_number = c.from_number
      AND started_at > c.started_at AND started_at < c.started_at + interval '7 days'
  ), x AS MATERIALIZED (
    SELECT occurred_at FROM messages WHERE lead_id = c.lead_id AND direction = 'outbound'
      AND sent_by IS NOT NULL AND occurred_at > c.started_at AND occurred_at < c.started_at + interval '7 days'
  )
  INSERT INTO report_missed_calls AS r (call_id, started_at, from_number, lead_id, called_back_at, messaged_back_at)
  SELECT c.id, c.started_at, c.from_number, c.lead_id, (SELECT min(started_at) FROM o), (SELECT min(occurred_at) FROM x)
  ON CONFLICT (call_id) DO UPDATE SET started_at = excluded.started_at, from_number = excluded.from_number,
    lead_id = excluded.lead_id, called_back_at = excluded.called_back_at, messaged_back_at = excluded.messaged_back_at;
END $$;--> statement-breakpoint

-- The missed calls an outbound call to `number` at `at` could have called back.
CREATE FUNCTION report_recount_called_back(number text, at timestamptz) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  PERFORM report_recount_missed(m.call_id) FROM (
    SELECT call_id FROM report_missed_calls
    WHERE from_number = number AND started_at < at AND started_at > at - interval '7 days' ORDER BY call_id
  ) m;
END $$;--> statement-breakpoint

CREATE FUNCTION report_calls_recovery() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.direction = 'outbound' THEN
    PERFORM report_recount_called_back(OLD.to_number, OLD.started_at);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF NEW.direction = 'outbound' THEN PERFORM report_recount_called_back(NEW.to_number, NEW.started_at); END IF;
    -- An inbound call that is (or no longer is) missed; a call turned outbound leaves the table.
    IF NEW.direction = 'inbound' OR (TG_OP = 'UPDATE' AND OLD.direction = 'inbound') THEN
      PERFORM report_recount_missed(NEW.id);
    END IF;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER report_calls_recovery AFTER INSERT OR DELETE ON calls
FOR EACH ROW EXECUTE FUNCTION report_calls_recovery();--> statement-breakpoint
CREATE TRIGGER report_calls_recovery_updated
AFTER UPDATE OF direction, status, answered_at, started_at, from_number, to_number, lead_id ON calls
FOR EACH ROW WHEN (OLD.direction IS DISTINCT FROM NEW.direction OR OLD.status IS DISTINCT FROM NEW.status
  OR OLD.answered_at IS DISTINCT FROM NEW.answered_at OR OLD.started_at IS DISTINCT FROM NEW.started_at
  OR OLD.from_number IS DISTINCT FROM NEW.from_number OR OLD.to_number IS DISTINCT FROM NEW.to_number
  OR OLD.lead_id IS DISTINCT FROM NEW.lead_id)
EXECUTE FUNCTION report_calls_recovery();--> statement-breakpoint

-- A message staff sent to a lead (the automatic missed-call reply has no sender and does not count).
CREATE FUNCTION report_recount_messaged_back(m messages) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  IF m.direction <> 'outbound' OR m.sent_by IS NULL OR m.lead_id IS NULL THEN RETURN; END IF;
  PERFORM report_recount_missed(r.call_id) FROM (
    SELECT call_id FROM report_missed_calls
    WHERE lead_id = m.lead_id AND started_at < m.occurred_at AND started_at > m.occurred_at - interval '7 days'
    ORDER BY call_id
  ) r;
END $$;--> statement-breakpoint
CREATE FUNCTION report_messages_recovery() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_recount_messaged_back(OLD); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM report_recount_messaged_back(NEW); END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER report_messages_recovery AFTER INSERT OR DELETE ON messages
FOR EACH ROW EXECUTE FUNCTION report_messages_recovery();--> statement-breakpoint
CREATE TRIGGER report_messages_recovery_updated AFTER UPDATE OF lead_id, direction, sent_by, occurred_at ON messages
FOR EACH ROW WHEN (OLD.lead_id IS DISTINCT FROM NEW.lead_id OR OLD.direction IS DISTINCT FROM NEW.direction
  OR OLD.sent_by IS DISTINCT FROM NEW.sent_by OR OLD.occurred_at IS DISTINCT FROM NEW.occurred_at)
EXECUTE FUNCTION report_messages_recovery();--> statement-breakpoint

-- Back-fill, set-based.
INSERT INTO report_missed_calls (call_id, started_at, from_number, lead_id, called_back_at, messaged_back_at)
SELECT m.id, m.started_at, m.from_number, m.lead_id,
  (SELECT min(o.started_at) FROM calls o WHERE o.direction = 'outbound' AND o.to_number = m.from_number
    AND o.started_at > m.started_at AND o.started_at < m.started_at + interval '7 days'),
  (SELECT min(x.occurred_at) FROM messages x WHERE x.lead_id = m.lead_id AND x.direction = 'outbound'
    AND x.sent_by IS NOT NULL AND x.occurred_at > m.started_at AND x.occurred_at < m.started_at + interval '7 days')
FROM calls m
WHERE m.direction = 'inbound' AND m.answered_at IS NULL AND m.status IN ('no-answer', 'busy', 'canceled');
