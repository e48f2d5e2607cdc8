-- Report roll-ups (src/adapters/db/reports/README.md): the figures the report pages sum over a
-- range, kept by triggers in the same transaction as the write that changes them, so a year is
-- read as a few hundred small rows instead of 50,000 calls. Each trigger takes back what the old
-- row counted and adds what the new row counts (deltas, not recounts: two transactions writing
-- the same hour queue on its row and both land, under any isolation level).
-- Not in schema.ts on purpose: drizzle-kit would try to create them again; they are read with SQL.

-- Calls by UTC hour (London's offsets are whole hours, so an hour is wholly in one London day,
-- weekday and hour of the day, written once when the row is made).
CREATE TABLE "report_call_hours" (
	"hour" integer PRIMARY KEY NOT NULL,
	"day" date NOT NULL,
	"weekday" smallint NOT NULL,
	"hour_of_day" smallint NOT NULL,
	"inbound" integer DEFAULT 0 NOT NULL,
	"answered" integer DEFAULT 0 NOT NULL,
	"missed" integer DEFAULT 0 NOT NULL,
	"other" integer DEFAULT 0 NOT NULL,
	"outbound" integer DEFAULT 0 NOT NULL
);--> statement-breakpoint
CREATE INDEX "report_call_hours_day_idx" ON "report_call_hours" ("day");--> statement-breakpoint
-- Answered inbound calls per London day by whole seconds to answer ('answer') and call length
-- ('length'), bucketed by report_seconds_bucket: the percentiles are read from these counts.
CREATE TABLE "report_call_seconds" (
	"measure" text NOT NULL,
	"day" date NOT NULL,
	"seconds" integer NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_call_seconds_pk" PRIMARY KEY ("measure", "day", "seconds")
);--> statement-breakpoint
-- Money per London day: quoted (sent, not superseded), accepted, paid; invoices issued and their VAT.
CREATE TABLE "report_money_days" (
	"day" date PRIMARY KEY NOT NULL,
	"quoted" double precision DEFAULT 0 NOT NULL,
	"accepted" double precision DEFAULT 0 NOT NULL,
	"paid" double precision DEFAULT 0 NOT NULL,
	"invoices" integer DEFAULT 0 NOT NULL,
	"net" double precision DEFAULT 0 NOT NULL,
	"vat" double precision DEFAULT 0 NOT NULL,
	"total" double precision DEFAULT 0 NOT NULL
);--> statement-breakpoint

-- The resolution of the seconds histograms: whole seconds under 2 minutes, 5 s to 10 minutes,
-- 30 s to an hour, 5 minutes beyond; a bucket stands for its lower bound. The length bands'
-- edges (1, 3, 10 minutes) are bucket edges, so the bands are exact.
CREATE FUNCTION report_seconds_bucket(s double precision) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN s < 120 THEN floor(s)::int
    WHEN s < 600 THEN (floor(s / 5) * 5)::int
    WHEN s < 3600 THEN (floor(s / 30) * 30)::int
    ELSE (floor(s / 300) * 300)::int
  END
$$;--> statement-breakpoint

CREATE FUNCTION report_london_day(at timestamptz) RETURNS date
LANGUAGE sql STABLE AS $$ SELECT (at AT TIME ZONE 'Europe/London')::date $$;--> statement-breakpoint

CREATE FUNCTION report_add_seconds(measure text, day date, s double precision, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_call_seconds AS r (measure, day, seconds, calls)
  VALUES (measure, day, report_seconds_bucket(s), sign)
  ON CONFLICT ON CONSTRAINT report_call_seconds_pk DO UPDATE SET calls = r.calls + excluded.calls;
END $$;--> statement-breakpoint

-- What one call counts for, times sign (+1 added, -1 taken back). A missed call: inbound, never
-- answered, ended as no-answer, busy or canceled (UNANSWERED in src/domain/messaging/missed-calls.ts).
CREATE FUNCTION report_count_call(c calls, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  h integer := floor(date_part('epoch', c.started_at) / 3600)::int;
  local timestamp := to_timestamp(h::float8 * 3600) AT TIME ZONE 'Europe/London';
  inbound boolean := c.direction = 'inbound';
  answered boolean := c.direction = 'inbound' AND c.answered_at IS NOT NULL;
  missed boolean := c.direction = 'inbound' AND c.answered_at IS NULL AND c.status IN ('no-answer', 'busy', 'canceled');
BEGIN
  INSERT INTO report_call_hours AS r (hour, day, weekday, hour_of_day, inbound, answered, missed, other, outbound)
  VALUES (h, local::date, extract(isodow FROM local)::smallint, extract(hour FROM local)::smallint,
    sign * inbound::int, sign * answered::int, sign * missed::int,
    sign * (inbound AND NOT answered AND NOT missed)::int, sign * (c.direction = 'outbound')::int)
  ON CONFLICT (hour) DO UPDATE SET inbound = r.inbound + excluded.inbound, answered = r.answered + excluded.answered,
    missed = r.missed + excluded.missed, other = r.other + excluded.other, outbound = r.outbound + excluded.outbound;
  IF answered THEN
    PERFORM report_add_seconds('answer', report_london_day(c.started_at), extract(epoch FROM c.answered_at - c.started_at), sign);
    IF c.duration_seconds IS NOT NULL THEN
      PERFORM report_add_seconds('length', report_london_day(c.started_at), c.duration_seconds, sign);
    END IF;
  END IF;
END $$;--> statement-breakpoint

CREATE FUNCTION report_calls_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_count_call(OLD, -1); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM report_count_call(NEW, 1); END IF;
  RETURN NULL;
END $$;--> statement-breakpoint

CREATE TRIGGER report_calls_written AFTER INSERT OR DELETE ON calls
FOR EACH ROW EXECUTE FUNCTION report_calls_changed();--> statement-breakpoint
-- Only the columns the figures read: a live call's lease is renewed every few seconds and must
-- not touch the roll-ups.
CREATE TRIGGER report_calls_updated AFTER UPDATE OF direction, status, started_at, answered_at, duration_seconds ON calls
FOR EACH ROW WHEN (OLD.direction IS DISTINCT FROM NEW.direction OR OLD.status IS DISTINCT FROM NEW.status
  OR OLD.started_at IS DISTINCT FROM NEW.started_at OR OLD.answered_at IS DISTINCT FROM NEW.answered_at
  OR OLD.duration_seconds IS DISTINCT FROM NEW.duration_seconds)
EXECUTE FUNCTION report_calls_changed();--> statement-breakpoint

CREATE FUNCTION report_add_money(at timestamptz, quoted double precision, accepted double precision, paid double precision,
  invoices integer, net double precision, vat double precision, total double precision) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF at IS NULL THEN RETURN; END IF;
  INSERT INTO report_money_days AS r (day, quoted, accepted, paid, invoices, net, vat, total)
  VALUES (report_london_day(at), quoted, accepted, paid, invoices, net, vat, total)
  ON CONFLICT (day) DO UPDATE SET quoted = r.quoted + excluded.quoted, accepted = r.accepted + excluded.accepted,
    paid = r.paid + excluded.paid, invoices = r.invoices + excluded.invoices, net = r.net + excluded.net,
    vat = r.vat + excluded.vat, total = r.total + excluded.total;
END $$;--> statement-breakpoint

-- A quote counts as quoted on the day it was sent (unless superseded by a later version) and as
-- accepted on the day it was accepted, at its total.
CREATE FUNCTION report_count_quote(q quotes, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  pence double precision := sign * coalesce((q.totals->>'totalPence')::float8, 0);
BEGIN
  IF q.status <> 'superseded' THEN PERFORM report_add_money(q.sent_at, pence, 0, 0, 0, 0, 0, 0); END IF;
  PERFORM report_add_money(q.accepted_at, 0, pence, 0, 0, 0, 0, 0);
END $$;--> statement-breakpoint

CREATE FUNCTION report_quotes_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_count_quote(OLD, -1); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM report_count_quote(NEW, 1); END IF;
  RETURN NULL;
END $$;--> statement-breakpoint

CREATE TRIGGER report_quotes_written AFTER INSERT OR DELETE ON quotes
FOR EACH ROW EXECUTE FUNCTION report_quotes_changed();--> statement-breakpoint
CREATE TRIGGER report_quotes_updated AFTER UPDATE OF status, sent_at, accepted_at, totals ON quotes
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.sent_at IS DISTINCT FROM NEW.sent_at
  OR OLD.accepted_at IS DISTINCT FROM NEW.accepted_at OR OLD.totals->'totalPence' IS DISTINCT FROM NEW.totals->'totalPence')
EXECUTE FUNCTION report_quotes_changed();--> statement-breakpoint

CREATE FUNCTION report_payments_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'paid' THEN
    PERFORM report_add_money(OLD.paid_at, 0, 0, -OLD.amount_pence::float8, 0, 0, 0, 0);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'paid' THEN
    PERFORM report_add_money(NEW.paid_at, 0, 0, NEW.amount_pence::float8, 0, 0, 0, 0);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint

CREATE TRIGGER report_payments_written AFTER INSERT OR DELETE ON payments
FOR EACH ROW EXECUTE FUNCTION report_payments_changed();--> statement-breakpoint
CREATE TRIGGER report_payments_updated AFTER UPDATE OF status, paid_at, amount_pence ON payments
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.paid_at IS DISTINCT FROM NEW.paid_at
  OR OLD.amount_pence IS DISTINCT FROM NEW.amount_pence)
EXECUTE FUNCTION report_payments_changed();--> statement-breakpoint

-- VAT as printed on the invoice (its content), by the day it was issued.
CREATE FUNCTION report_invoices_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM report_add_money(OLD.issued_at, 0, 0, 0, -1, -coalesce((OLD.content->>'netPence')::float8, 0),
      -coalesce((OLD.content->>'vatPence')::float8, 0), -OLD.total_pence::float8);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM report_add_money(NEW.issued_at, 0, 0, 0, 1, coalesce((NEW.content->>'netPence')::float8, 0),
      coalesce((NEW.content->>'vatPence')::float8, 0), NEW.total_pence::float8);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint

CREATE TRIGGER report_invoices_written AFTER INSERT OR DELETE ON invoices
FOR EACH ROW EXECUTE FUNCTION report_invoices_changed();--> statement-breakpoint
CREATE TRIGGER report_invoices_updated AFTER UPDATE OF issued_at, total_pence, content ON invoices
FOR EACH ROW WHEN (OLD.issued_at IS DISTINCT FROM NEW.issued_at OR OLD.total_pence IS DISTINCT FROM NEW.total_pence
  OR OLD.content->'netPence' IS DISTINCT FROM NEW.content->'netPence' OR OLD.content->'vatPence' IS DISTINCT FROM NEW.content->'vatPence')
EXECUTE FUNCTION report_invoices_changed();--> statement-breakpoint

-- TRUNCATE fires no row triggers: empty the roll-ups with their source.
CREATE FUNCTION report_calls_emptied() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM report_call_hours;
  DELETE FROM report_call_seconds;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER report_calls_truncated AFTER TRUNCATE ON calls FOR EACH STATEMENT EXECUTE FUNCTION report_calls_emptied();--> statement-breakpoint
-- Money has three sources: recount it from what is left.
CREATE FUNCTION report_money_recount() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM report_money_days;
  PERFORM report_count_quote(q, 1) FROM quotes q;
  PERFORM report_add_money(p.paid_at, 0, 0, p.amount_pence::float8, 0, 0, 0, 0) FROM payments p WHERE p.status = 'paid';
  PERFORM report_add_money(i.issued_at, 0, 0, 0, 1, coalesce((i.content->>'netPence')::float8, 0), coalesce((i.content->>'vatPence')::float8, 0),
    i.total_pence::float8) FROM invoices i;
END $$;--> statement-breakpoint
CREATE FUNCTION report_money_emptied() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN PERFORM report_money_recount(); RETURN NULL; END $$;--> statement-breakpoint
CREATE TRIGGER report_quotes_truncated AFTER TRUNCATE ON quotes FOR EACH STATEMENT EXECUTE FUNCTION report_money_emptied();--> statement-breakpoint
CREATE TRIGGER report_payments_truncated AFTER TRUNCATE ON payments FOR EACH STATEMENT EXECUTE FUNCTION report_money_emptied();--> statement-breakpoint
CREATE TRIGGER report_invoices_truncated AFTER TRUNCATE ON invoices FOR EACH STATEMENT EXECUTE FUNCTION report_money_emptied();--> statement-breakpoint

-- Back-fill from the rows already there.
SELECT report_count_call(c, 1) FROM calls c;--> statement-breakpoint
SELECT report_money_recount();
