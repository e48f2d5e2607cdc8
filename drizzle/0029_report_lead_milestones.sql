-- Each lead's first quote sent, first acceptance, first visit and first payment, kept by the
-- writes (src/adapters/db/reports/README.md), so the jobs page follows a year's leads through
-- the pipeline from one narrow row each instead of joining leads, jobs, quotes, visits and
-- payments on every load. A trigger on any of those recounts the affected lead's row; the
-- recount locks that row first, so two transactions changing one lead's quotes queue, and the
-- second recounts with the first's rows in view (READ COMMITTED).
CREATE TABLE "report_lead_milestones" (
	"lead_id" uuid PRIMARY KEY NOT NULL REFERENCES "leads"("id") ON DELETE CASCADE,
	"created_at" timestamp with time zone NOT NULL,
	"quote_sent_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"visit_at" timestamp with time zone,
	"paid_at" timestamp with time zone
);--> statement-breakpoint
CREATE INDEX "report_lead_milestones_created_idx" ON "report_lead_milestones" ("created_at");--> statement-breakpoint

-- One table at a time, by key: the lead's jobs, then their quotes, visits and payments. Joins let
-- the planner start from a table whose statistics still say empty while a bulk insert fills it
-- (a scan of every payment per payment: a 6,815-payment insert took over three minutes).
CREATE FUNCTION report_refresh_lead(lead uuid) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  jobs uuid[];
  quoted uuid[];
BEGIN
  IF lead IS NULL THEN RETURN; END IF;
  -- Wait for any other transaction recounting this lead, then recount (new statements, so new
  -- snapshots that see what that transaction committed). A row lock, not an advisory lock:
  -- those take shared memory each, and a bulk insert of 20,000 rows would run out.
  PERFORM 1 FROM report_lead_milestones WHERE lead_id = lead FOR UPDATE;
  jobs := ARRAY(SELECT id FROM issues WHERE lead_id = lead);
  quoted := ARRAY(SELECT id FROM quotes WHERE issue_id = ANY (jobs));
  -- The lead's rows first (MATERIALIZED), then their minimum: left to itself the planner turns
  -- min(sent_at) into a walk of the whole sent_at index from the oldest quote until it meets one
  -- of this lead's.
  WITH q AS MATERIALIZED (SELECT sent_at, accepted_at FROM quotes WHERE issue_id = ANY (jobs) AND sent_at IS NOT NULL),
    a AS MATERIALIZED (SELECT starts_at FROM appointments WHERE issue_id = ANY (jobs) AND status <> 'cancelled'),
    p AS MATERIALIZED (SELECT paid_at FROM payments WHERE quote_id = ANY (quoted) AND status = 'paid')
  INSERT INTO report_lead_milestones AS r (lead_id, created_at, quote_sent_at, accepted_at, visit_at, paid_at)
  SELECT l.id, l.created_at, (SELECT min(sent_at) FROM q), (SELECT min(accepted_at) FROM q),
    (SELECT min(starts_at) FROM a), (SELECT min(paid_at) FROM p)
  FROM leads l WHERE l.id = lead
  ON CONFLICT (lead_id) DO UPDATE SET created_at = excluded.created_at, quote_sent_at = excluded.quote_sent_at,
    accepted_at = excluded.accepted_at, visit_at = excluded.visit_at, paid_at = excluded.paid_at;
END $$;--> statement-breakpoint

CREATE FUNCTION report_lead_of_issue(issue uuid) RETURNS uuid
LANGUAGE sql STABLE SET plan_cache_mode = force_custom_plan AS $$ SELECT lead_id FROM issues WHERE id = issue $$;--> statement-breakpoint
CREATE FUNCTION report_lead_of_quote(quote uuid) RETURNS uuid
LANGUAGE sql STABLE SET plan_cache_mode = force_custom_plan AS $$ SELECT lead_id FROM issues WHERE id = (SELECT issue_id FROM quotes WHERE id = quote) $$;--> statement-breakpoint

-- A new lead has no jobs yet, so nothing to look up: its row starts empty.
CREATE FUNCTION report_leads_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_lead_milestones (lead_id, created_at) VALUES (NEW.id, NEW.created_at)
    ON CONFLICT (lead_id) DO NOTHING;
  ELSE
    UPDATE report_lead_milestones SET created_at = NEW.created_at WHERE lead_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER report_leads_written AFTER INSERT OR UPDATE OF created_at ON leads
FOR EACH ROW EXECUTE FUNCTION report_leads_changed();--> statement-breakpoint

CREATE FUNCTION report_issues_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_refresh_lead(OLD.lead_id);
  IF TG_OP = 'UPDATE' AND NEW.lead_id IS DISTINCT FROM OLD.lead_id THEN PERFORM report_refresh_lead(NEW.lead_id); END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER report_issues_written AFTER DELETE OR UPDATE OF lead_id ON issues
FOR EACH ROW EXECUTE FUNCTION report_issues_changed();--> statement-breakpoint

-- Quotes, visits and payments: the lead before and after the write (a row moved to another job).
CREATE FUNCTION report_quotes_milestones() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_refresh_lead(report_lead_of_issue(OLD.issue_id)); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.issue_id IS DISTINCT FROM OLD.issue_id) THEN
    PERFORM report_refresh_lead(report_lead_of_issue(NEW.issue_id));
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER report_quotes_milestones AFTER INSERT OR DELETE OR UPDATE OF issue_id, sent_at, accepted_at ON quotes
FOR EACH ROW EXECUTE FUNCTION report_quotes_milestones();--> statement-breakpoint

CREATE FUNCTION report_appointments_milestones() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_refresh_lead(report_lead_of_issue(OLD.issue_id)); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.issue_id IS DISTINCT FROM OLD.issue_id) THEN
    PERFORM report_refresh_lead(report_lead_of_issue(NEW.issue_id));
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
-- Status only when it turns to or from cancelled: en route, on site and done move no milestone.
CREATE TRIGGER report_appointments_milestones AFTER INSERT OR DELETE ON appointments
FOR EACH ROW EXECUTE FUNCTION report_appointments_milestones();--> statement-breakpoint
CREATE TRIGGER report_appointments_milestones_updated AFTER UPDATE OF issue_id, starts_at, status ON appointments
FOR EACH ROW WHEN (OLD.issue_id IS DISTINCT FROM NEW.issue_id OR OLD.starts_at IS DISTINCT FROM NEW.starts_at
  OR (OLD.status = 'cancelled') IS DISTINCT FROM (NEW.status = 'cancelled'))
EXECUTE FUNCTION report_appointments_milestones();--> statement-breakpoint

CREATE FUNCTION report_payments_milestones() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_refresh_lead(report_lead_of_quote(OLD.quote_id)); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.quote_id IS DISTINCT FROM OLD.quote_id) THEN
    PERFORM report_refresh_lead(report_lead_of_quote(NEW.quote_id));
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER report_payments_milestones AFTER INSERT OR DELETE ON payments
FOR EACH ROW EXECUTE FUNCTION report_payments_milestones();--> statement-breakpoint
CREATE TRIGGER report_payments_milestones_updated AFTER UPDATE OF quote_id, status, paid_at ON payments
FOR EACH ROW WHEN ((OLD.status = 'paid' OR NEW.status = 'paid') AND (OLD.quote_id IS DISTINCT FROM NEW.quote_id
  OR OLD.status IS DISTINCT FROM NEW.status OR OLD.paid_at IS DISTINCT FROM NEW.paid_at))
EXECUTE FUNCTION report_payments_milestones();--> statement-breakpoint

-- Back-fill, set-based.
INSERT INTO report_lead_milestones (lead_id, created_at, quote_sent_at, accepted_at, visit_at, paid_at)
SELECT l.id, l.created_at, quoted.sent_at, quoted.accepted_at, visited.starts_at, paid.paid_at
FROM leads l
  LEFT JOIN (
    SELECT i.lead_id, min(q.sent_at) AS sent_at, min(q.accepted_at) AS accepted_at
    FROM quotes q JOIN issues i ON i.id = q.issue_id WHERE q.sent_at IS NOT NULL GROUP BY i.lead_id
  ) quoted ON quoted.lead_id = l.id
  LEFT JOIN (
    SELECT i.lead_id, min(a.starts_at) AS starts_at
    FROM appointments a JOIN issues i ON i.id = a.issue_id WHERE a.status <> 'cancelled' GROUP BY i.lead_id
  ) visited ON visited.lead_id = l.id
  LEFT JOIN (
    SELECT i.lead_id, min(p.paid_at) AS paid_at
    FROM payments p JOIN quotes q ON q.id = p.quote_id JOIN issues i ON i.id = q.issue_id
    WHERE p.status = 'paid' GROUP BY i.lead_id
  ) paid ON paid.lead_id = l.id;
