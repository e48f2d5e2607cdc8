import { Hono, type Context } from "hono";
import { compress } from "hono/compress";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { isOpenIssue } from "../../domain/issues.ts";
import { londonDate } from "../../domain/london-time.ts";
import { bookVisit } from "../../domain/scheduling/book-visit.ts";
import { boardPeriod, boardRows, parseBoardDate, visitTimes, type BoardView } from "../../domain/scheduling/board.ts";
import { findFreeSlots } from "../../domain/scheduling/find-slots.ts";
import { publishVisitChange, SCHEDULE_CHANNEL } from "../../domain/scheduling/schedule-channel.ts";
import { moveVisit } from "../../domain/scheduling/move-visit.ts";
import { cancelVisit } from "../../domain/scheduling/cancel-visit.ts";
import type { AppointmentView } from "../../ports/scheduling.ts";
import { BoardContent, boardUrl, SchedulePage, type BoardData } from "../../views/schedule.tsx";
import {
  BookPanel,
  DonePanel,
  placementValues,
  VisitPanel,
  type BoardAt,
  type PlacementValues,
} from "../../views/schedule-forms.tsx";
import { visitWhen } from "../../views/visits.tsx";
import type { AppEnv } from "../deps.ts";
import { notFound, reasonStatus } from "../errors.ts";
import { pageContext } from "../page-context.ts";
import { pageOrFragment } from "../respond.ts";
import { CODE_MAX, formInt, formText, validForm } from "../validation.ts";

/** HTML only: the live stream the board listens to is never compressed (text/event-stream is left alone anyway). */
const boardCompression = compress({ encoding: "gzip", contentTypeFilter: /^text\/html/i });

/** The queue shows this many jobs; a longer queue is a staffing problem, not a scrolling one. */
const QUEUE_MAX = 50;

const boardFields = { view: formText(CODE_MAX).optional(), date_shown: formText(CODE_MAX).optional() };
const placementFields = {
  engineerId: formText(CODE_MAX),
  date: formText(CODE_MAX),
  start: formText(CODE_MAX),
  end: formText(CODE_MAX),
};
const bookForm = z.object({ issueId: formText(CODE_MAX), ...placementFields, ...boardFields });
const moveForm = z.object({ version: formInt(0), ...placementFields, ...boardFields });
const cancelForm = z.object({ version: formInt(0), ...boardFields });

type Status = 200 | 404 | 409 | 422;

/** `?view=day|week&date=YYYY-MM-DD` (default: this week), or 400 with what to write. */
function boardAt(
  c: Context<AppEnv>,
  view: string | undefined,
  date: string | undefined,
): BoardAt & { view: BoardView } {
  if (view !== undefined && view !== "day" && view !== "week")
    throw new HTTPException(400, { message: 'view: write "day" or "week".' });
  const day = date === undefined || date === "" ? londonDate(c.get("deps").now()) : parseBoardDate(date);
  if (!day) throw new HTTPException(400, { message: "date: write it as YYYY-MM-DD, e.g. 2026-12-01." });
  return { view: (view as BoardView | undefined) ?? "week", date: day };
}

/** Everything the board shows for a view and date: three reads at once. */
async function loadBoard(c: Context<AppEnv>, at: BoardAt & { view: BoardView }): Promise<BoardData> {
  const { repos } = c.get("deps");
  const period = boardPeriod(at.view, at.date);
  const [engineers, visits, queue] = await Promise.all([
    repos.engineers.active(),
    repos.appointments.onBoard(period),
    repos.appointments.unscheduled(QUEUE_MAX),
  ]);
  return { period, rows: boardRows(engineers, visits, period.days), queue, url: boardUrl(at.view, at.date) };
}

/**
 * A form's answer. htmx gets the panel and, after a change (or a stale form), the board swapped
 * out of band; a plain form gets the whole page with the panel in it, or goes back to the board.
 */
async function answer(
  c: Context<AppEnv>,
  at: BoardAt & { view: BoardView },
  status: Status,
  panel: unknown,
  board: boolean,
) {
  // A plain form's success goes back to the board (post, redirect, get); a panel asked for is a page.
  if (c.req.method === "POST" && status === 200 && c.req.header("HX-Request") !== "true")
    return c.redirect(boardUrl(at.view, at.date), 303);
  const after = c.get("deps").liveEvents.lastId(SCHEDULE_CHANNEL);
  const data = await loadBoard(c, at);
  return pageOrFragment(
    c,
    () => c.html(<SchedulePage ctx={pageContext(c)} board={data} after={after} panel={panel} />, status),
    () =>
      c.html(
        <>
          {panel}
          {board ? (
            <div id="schedule-live" hx-swap-oob="innerHTML">
              <BoardContent {...data} />
            </div>
          ) : null}
        </>,
        status,
      ),
  );
}

const actor = (c: Context<AppEnv>) => ({ who: c.get("user")?.email ?? "unknown" });

export function scheduleRoutes() {
  const app = new Hono<AppEnv>();

  /**
   * The board, or (to htmx, after a live change) just its content. Gzipped for browsers that ask
   * (a week is about 205 KiB of HTML, 34 KiB gzipped, for a tablet on a phone's connection). Only
   * here, not app-wide: a compressed page that holds the session's CSRF token and echoes what a
   * request said can leak the token to someone watching sizes on the wire (BREACH), and this one
   * echoes nothing but a validated view and date.
   */
  app.get("/schedule", boardCompression, async (c) => {
    const at = boardAt(c, c.req.query("view"), c.req.query("date"));
    // Read before the board: a change landing in between is then heard, not lost.
    const after = c.get("deps").liveEvents.lastId(SCHEDULE_CHANNEL);
    const data = await loadBoard(c, at);
    return pageOrFragment(
      c,
      () => c.html(<SchedulePage ctx={pageContext(c)} board={data} after={after} />),
      () => c.html(<BoardContent {...data} />),
    );
  });

  /** A visit's panel: move, reassign, cancel. */
  app.get("/schedule/visits/:id", async (c) => {
    const { repos } = c.get("deps");
    const visit = await repos.appointments.byId(c.req.param("id"));
    if (!visit) throw notFound("visit");
    const at = boardAt(c, c.req.query("view"), c.req.query("date") ?? londonDate(visit.startsAt));
    return answer(c, at, 200, await visitPanel(c, visit, at, {}), false);
  });

  /** A queued job's booking panel, prefilled with the next free slot when there is one. */
  app.get("/schedule/issues/:id/book", async (c) => {
    const { repos, now } = c.get("deps");
    const issue = await repos.issues.byId(c.req.param("id"));
    if (!issue) throw notFound("issue");
    const at = boardAt(c, c.req.query("view"), c.req.query("date"));
    const [engineers, slots] = await Promise.all([
      repos.engineers.active(),
      findFreeSlots(repos, { trade: issue.category, postcode: issue.postcode, from: now(), count: 1 }),
    ]);
    const values: PlacementValues = slots[0]
      ? placementValues(slots[0])
      : { engineerId: "", date: londonDate(now()), start: "", end: "" };
    const error = isOpenIssue(issue.status) ? undefined : `This job is ${issue.status}: reopen it before booking.`;
    const panel = (
      <BookPanel
        issue={issue}
        engineers={engineers}
        values={values}
        at={at}
        csrfToken={pageContext(c).csrfToken}
        error={error}
      />
    );
    return answer(c, at, 200, panel, false);
  });

  /** Books a queued job onto an engineer; the rules run again as it is written. */
  app.post("/schedule/visits", validForm(bookForm), async (c) => {
    const deps = c.get("deps");
    const form = c.req.valid("form");
    const at = boardAt(c, form.view, form.date_shown);
    const issue = await deps.repos.issues.byId(form.issueId);
    if (!issue) throw notFound("issue");
    const refuse = async (status: Status, error: string) =>
      answer(
        c,
        at,
        status,
        <BookPanel
          issue={issue}
          engineers={await deps.repos.engineers.active()}
          values={form}
          at={at}
          csrfToken={pageContext(c).csrfToken}
          error={error}
        />,
        status === 409,
      );
    const times = visitTimes(form.date, form.start, form.end);
    if (!times.ok) return refuse(422, times.message);
    const booked = await bookVisit(
      { ...deps.repos, now: deps.now },
      { issueId: issue.id, engineerId: form.engineerId, ...times.value },
      actor(c),
    );
    if (!booked.ok) {
      deps.logger.info({ event: "visit_refused", issueId: issue.id, reason: booked.reason }, "visit refused");
      return refuse(reasonStatus(booked.reason) as Status, booked.message);
    }
    await publishVisitChange(deps.liveEvents, booked.value);
    const view = (await deps.repos.appointments.byId(booked.value.id))!;
    const notice = `Booked ${issue.title}: ${visitWhen(view.startsAt, view.endsAt)} · ${view.engineerName}.`;
    return answer(c, at, 200, <DonePanel notice={notice} />, true);
  });

  /** Moves or reassigns a visit, if nobody changed it since the board was drawn. */
  app.post("/schedule/visits/:id/move", validForm(moveForm), async (c) => {
    const deps = c.get("deps");
    const form = c.req.valid("form");
    const at = boardAt(c, form.view, form.date_shown);
    const visit = await deps.repos.appointments.byId(c.req.param("id"));
    if (!visit) throw notFound("visit");
    const times = visitTimes(form.date, form.start, form.end);
    if (!times.ok)
      return answer(c, at, 422, await visitPanel(c, visit, at, { error: times.message, values: form }), false);
    const moved = await moveVisit(
      { ...deps.repos, now: deps.now },
      { appointmentId: visit.id, version: form.version, engineerId: form.engineerId, ...times.value },
      actor(c),
    );
    if (!moved.ok) {
      deps.logger.info({ event: "visit_move_refused", appointmentId: visit.id, reason: moved.reason }, "move refused");
      // Stale: show the visit as it stands now (its new version), never the form's old values.
      const stale = moved.reason === "stale" || moved.reason === "not_movable";
      const current = stale ? ((await deps.repos.appointments.byId(visit.id)) ?? visit) : visit;
      const panel = await visitPanel(c, current, at, { error: moved.message, values: stale ? undefined : form });
      return answer(c, at, reasonStatus(moved.reason) as Status, panel, stale);
    }
    await publishVisitChange(deps.liveEvents, moved.value);
    const now = (await deps.repos.appointments.byId(visit.id))!;
    const notice = `Moved: ${visitWhen(now.startsAt, now.endsAt)} · ${now.engineerName}.`;
    return answer(c, at, 200, <DonePanel notice={notice} />, true);
  });

  /** Cancels a visit, if nobody changed it since the board was drawn; a job left with none goes back to open or quoted. */
  app.post("/schedule/visits/:id/cancel", validForm(cancelForm), async (c) => {
    const deps = c.get("deps");
    const form = c.req.valid("form");
    const at = boardAt(c, form.view, form.date_shown);
    const visit = await deps.repos.appointments.byId(c.req.param("id"));
    if (!visit) throw notFound("visit");
    const cancelled = await cancelVisit(
      {
        appointments: deps.repos.appointments,
        issues: deps.repos.issues,
        quotes: deps.repos.quotes,
        audit: deps.repos.audit,
        now: deps.now,
      },
      { id: visit.id, version: form.version },
      actor(c),
    );
    if (!cancelled.ok) {
      const current = (await deps.repos.appointments.byId(visit.id)) ?? visit;
      const panel = await visitPanel(c, current, at, { error: cancelled.message });
      return answer(c, at, reasonStatus(cancelled.reason) as Status, panel, true);
    }
    await publishVisitChange(deps.liveEvents, cancelled.value);
    return answer(c, at, 200, <DonePanel notice={`Cancelled: ${visitWhen(visit.startsAt, visit.endsAt)}.`} />, true);
  });

  return app;
}

async function visitPanel(
  c: Context<AppEnv>,
  visit: AppointmentView,
  at: BoardAt,
  note: { error?: string; values?: PlacementValues },
) {
  const { repos } = c.get("deps");
  const [issue, engineers] = await Promise.all([repos.issues.byId(visit.issueId), repos.engineers.active()]);
  if (!issue) throw notFound("issue");
  return (
    <VisitPanel
      visit={visit}
      issue={issue}
      engineers={engineers}
      at={at}
      csrfToken={pageContext(c).csrfToken}
      error={note.error}
      values={note.values}
    />
  );
}
