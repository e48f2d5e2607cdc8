import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { hasMedia } from "../../domain/messaging/message.ts";
import { startOfLondonDay } from "../../domain/london-time.ts";
import type { Rejection } from "../../domain/result.ts";
import { CALENDAR_TOKEN_BYTES, calendarFeedPath } from "../../domain/scheduling/calendar-feed.ts";
import { callerWords, isEngineerMove } from "../../domain/scheduling/my-day.ts";
import { setVisitStatus } from "../../domain/scheduling/set-visit-status.ts";
import {
  MAX_SITE_PHOTO_BYTES,
  parseVisitNote,
  sitePhotoAllowed,
  sitePhotoKey,
} from "../../domain/scheduling/visit-records.ts";
import type { AppointmentView } from "../../ports/scheduling.ts";
import { CalendarFeedPanel, MyDayPage, PhonePanel, VisitCard, type VisitCardData } from "../../views/my-day.tsx";
import { changeEngineerPhone } from "../../domain/scheduling/engineer-phone.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { notFound, reasonStatus } from "../errors.ts";
import { isHtmx, pageContext } from "../page-context.ts";
import { redirectAfterPost } from "../respond.ts";
import { CODE_MAX, formInt, formText, TEXT_MAX, validForm } from "../validation.ts";

const statusForm = z.object({ status: formText(CODE_MAX), version: formInt(0) });
const noteForm = z.object({ note: formText(TEXT_MAX) });
const phoneForm = z.object({ phone: formText(CODE_MAX) });
const photoForm = z.object({
  photo: z.preprocess(
    (value) => (Array.isArray(value) ? value.at(-1) : value),
    z.instanceof(File).optional().catch(undefined),
  ),
});

/** Everything one visit's card shows, read in parallel. */
async function cardData(deps: AppDeps, visit: AppointmentView): Promise<VisitCardData> {
  const { repos } = deps;
  const issue = (await repos.issues.byId(visit.issueId))!;
  const [call, segments, messages, quotes, records] = await Promise.all([
    issue.sourceCallId ? repos.calls.byId(issue.sourceCallId) : null,
    issue.sourceCallId ? repos.calls.transcript(issue.sourceCallId) : [],
    repos.messages.forIssue(issue.id),
    repos.quotes.forIssue(issue.id),
    repos.visitRecords.forIssue(issue.id),
  ]);
  const latestQuote = quotes.toSorted((a, b) => b.version - a.version)[0];
  return {
    visit,
    issue,
    callSummary: call?.summary ?? null,
    callerWords: callerWords(segments),
    customerMedia: messages.filter(
      (m) => m.direction === "inbound" && (m.kind === "image" || m.kind === "video") && m.mediaKey && hasMedia(m.kind),
    ),
    quoteLines: latestQuote?.lines ?? [],
    records: records.filter((r) => r.appointmentId === visit.id),
  };
}

/**
 * The visit the URL names, if it is the logged-in engineer's own; anyone else's is "not found"
 * (an engineer learns nothing about colleagues' visits by guessing ids).
 */
async function ownVisit(c: Context<AppEnv>) {
  const visit = await c.get("deps").repos.appointments.byId(c.req.param("id") ?? "");
  if (!visit || visit.engineerId !== c.get("user")?.id) throw notFound("visit");
  return visit;
}

/** htmx gets the card; a plain form goes back to the page. */
async function answerCard(
  c: Context<AppEnv>,
  visit: AppointmentView,
  status: 200 | 404 | 409 | 422,
  note: { error?: string; saved?: string } = {},
) {
  c.header("Vary", "HX-Request");
  if (!isHtmx(c)) {
    if (status === 200) return redirectAfterPost(c, `/my-day/visits/${visit.id}`);
    const data = await cardData(c.get("deps"), visit);
    return c.html(
      <MyDayPage ctx={pageContext(c)} day={visit.startsAt} visits={[data]} feedUrl={null} isEngineer title="Visit" />,
      status,
    );
  }
  const data = await cardData(c.get("deps"), visit);
  return c.html(<VisitCard data={data} csrfToken={pageContext(c).csrfToken} {...note} />, status);
}

const refusal = (c: Context<AppEnv>, visit: AppointmentView, rejection: Rejection) =>
  answerCard(c, visit, reasonStatus(rejection.reason) as 404 | 409 | 422, { error: rejection.message });

const newCalendarToken = () =>
  Buffer.from(crypto.getRandomValues(new Uint8Array(CALENDAR_TOKEN_BYTES))).toString("base64url");

/** The engineer's phone view: today's visits, the moves through a visit, notes, site photos, the calendar feed. */
export function myDayRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/my-day", async (c) => {
    const deps = c.get("deps");
    const user = c.get("user")!;
    const isEngineer = user.role === "engineer";
    const from = startOfLondonDay(deps.now());
    // Noon tomorrow then back to midnight: a day is 23 or 25 hours across the clock change.
    const to = startOfLondonDay(new Date(from.getTime() + 36 * 3600_000));
    const [visits, token, engineer] = isEngineer
      ? await Promise.all([
          deps.repos.appointments.forEngineer(user.id, { from, to }),
          deps.repos.engineers.calendarToken(user.id),
          deps.repos.engineers.byId(user.id),
        ])
      : [[], null, null];
    const cards = await Promise.all(visits.map((visit) => cardData(deps, visit)));
    return c.html(
      <MyDayPage
        ctx={pageContext(c)}
        day={from}
        visits={cards}
        isEngineer={isEngineer}
        feedUrl={token ? `${deps.settings.publicBaseUrl}${calendarFeedPath(token)}` : null}
        phone={engineer?.phone ?? null}
      />,
    );
  });

  /** One visit on any day: where the calendar feed's link lands. */
  app.get("/my-day/visits/:id", async (c) => {
    const visit = await ownVisit(c);
    if (isHtmx(c)) return answerCard(c, visit, 200);
    const data = await cardData(c.get("deps"), visit);
    return c.html(
      <MyDayPage ctx={pageContext(c)} day={visit.startsAt} visits={[data]} feedUrl={null} isEngineer title="Visit" />,
    );
  });

  /** En route, on site, done, no access: through the transition table, against the version the card was drawn from. */
  app.post("/my-day/visits/:id/status", validForm(statusForm), async (c) => {
    const deps = c.get("deps");
    const visit = await ownVisit(c);
    const { status, version } = c.req.valid("form");
    if (!isEngineerMove(status))
      return answerCard(c, visit, 422, { error: `"${status.slice(0, 40)}" is not a move an engineer makes.` });
    const changed = await setVisitStatus(
      { ...deps.repos, liveEvents: deps.liveEvents, now: deps.now },
      { id: visit.id, status, version },
      { who: c.get("user")!.email },
    );
    const fresh = (await deps.repos.appointments.byId(visit.id))!;
    if (!changed.ok) {
      deps.logger.info(
        { event: "visit_move_refused", appointmentId: visit.id, reason: changed.reason },
        "visit move refused",
      );
      return refusal(c, fresh, changed);
    }
    deps.logger.info({ event: "visit_moved", appointmentId: visit.id, status }, "visit moved");
    return answerCard(c, fresh, 200);
  });

  app.post("/my-day/visits/:id/notes", validForm(noteForm), async (c) => {
    const deps = c.get("deps");
    const visit = await ownVisit(c);
    const note = parseVisitNote(c.req.valid("form").note);
    if (!note.ok) return refusal(c, visit, note);
    const user = c.get("user")!;
    await deps.repos.visitRecords.addNote(
      { appointmentId: visit.id, issueId: visit.issueId, note: note.value, byUserId: user.id },
      { who: user.email },
    );
    return answerCard(c, visit, 200, { saved: "Note saved." });
  });

  /** A photo taken on site: kept under photos/ with a thumbnail, shown on the card and the job's page. */
  app.post("/my-day/visits/:id/photos", validForm(photoForm), async (c) => {
    const deps = c.get("deps");
    const visit = await ownVisit(c);
    const photo = c.req.valid("form").photo;
    if (!photo) return answerCard(c, visit, 422, { error: "Choose or take a photo first." });
    if (photo.size > MAX_SITE_PHOTO_BYTES) return answerCard(c, visit, 422, { error: "That photo is over 15 MB." });
    const bytes = new Uint8Array(await photo.arrayBuffer());
    const allowed = sitePhotoAllowed(bytes);
    if (!allowed.ok) return refusal(c, visit, allowed);
    const { type, extension } = allowed.value;
    const id = crypto.randomUUID();
    const stored = await deps.blobStore.put(sitePhotoKey(visit.issueId, visit.id, id, extension), bytes, type);
    // HEIC and WebP are kept but not thumbnailed (the thumbnailer reads JPEG and PNG): pages scale them with CSS.
    const thumbnail = await deps.fieldWork.makeThumbnail(bytes, type);
    const thumbnailKey = thumbnail
      ? (
          await deps.blobStore.put(
            sitePhotoKey(visit.issueId, visit.id, `${id}-thumb`, "jpg"),
            thumbnail.bytes,
            thumbnail.contentType,
          )
        ).key
      : null;
    const user = c.get("user")!;
    await deps.repos.visitRecords.addPhoto(
      {
        appointmentId: visit.id,
        issueId: visit.issueId,
        photoKey: stored.key,
        thumbnailKey,
        contentType: stored.contentType,
        size: stored.size,
        byUserId: user.id,
      },
      { who: user.email },
    );
    deps.logger.info({ event: "site_photo_added", appointmentId: visit.id, size: stored.size }, "site photo added");
    return answerCard(c, visit, 200, { saved: "Photo added." });
  });

  /** The customer's photo or video for the visit's job, streamed through the app (the bucket stays private). */
  app.get("/my-day/visits/:id/media/:messageId", async (c) => {
    const { repos, blobStore } = c.get("deps");
    const visit = await ownVisit(c);
    const message = await repos.messages.byId(c.req.param("messageId"));
    if (!message || message.issueId !== visit.issueId) throw notFound("media");
    const key = c.req.query("thumbnail") === "1" ? message.thumbnailKey : message.mediaKey;
    return streamBlob(blobStore, key);
  });

  /** A site photo (or its thumbnail): office staff, or the engineer whose visit it came from. */
  for (const [path, pick] of [
    ["/visit-records/:id/photo", "photoKey"],
    ["/visit-records/:id/thumbnail", "thumbnailKey"],
  ] as const) {
    app.get(path, async (c) => {
      const { repos, blobStore } = c.get("deps");
      const record = await repos.visitRecords.byId(c.req.param("id"));
      const user = c.get("user")!;
      if (!record) throw notFound("photo");
      if (user.role === "engineer") {
        const visit = await repos.appointments.byId(record.appointmentId);
        if (visit?.engineerId !== user.id) throw notFound("photo");
      }
      return streamBlob(blobStore, record[pick]);
    });
  }

  /** The engineer's own on-call number: changed or removed (audited); a bad one is refused beside the field (422). */
  app.post("/my-day/phone", validForm(phoneForm), async (c) => {
    const deps = c.get("deps");
    const user = c.get("user")!;
    if (user.role !== "engineer") throw new HTTPException(403, { message: "Only engineers have an on-call number." });
    const typed = c.req.valid("form").phone;
    const changed = await changeEngineerPhone(deps.repos, user.id, typed, { who: user.email });
    const csrfToken = pageContext(c).csrfToken;
    if (!changed.ok) {
      const current = await deps.repos.engineers.byId(user.id);
      const panel = (
        <PhonePanel phone={current?.phone ?? null} csrfToken={csrfToken} typed={typed} error={changed.message} />
      );
      return c.html(panel, reasonStatus(changed.reason));
    }
    deps.logger.info({ event: "engineer_phone_changed", userId: user.id }, "engineer's phone number changed");
    if (!isHtmx(c)) return redirectAfterPost(c, "/my-day");
    return c.html(<PhonePanel phone={changed.value.phone} csrfToken={csrfToken} saved />);
  });

  /** A new feed address: the old one stops answering at once. */
  app.post("/my-day/calendar", async (c) => {
    const deps = c.get("deps");
    const user = c.get("user")!;
    const token = newCalendarToken();
    if (user.role !== "engineer" || !(await deps.repos.engineers.setCalendarToken(user.id, token, { who: user.email })))
      throw new HTTPException(403, { message: "Only engineers have a calendar feed." });
    deps.logger.info({ event: "calendar_feed_renewed", userId: user.id }, "calendar feed address made anew");
    if (!isHtmx(c)) return redirectAfterPost(c, "/my-day");
    const feedUrl = `${deps.settings.publicBaseUrl}${calendarFeedPath(token)}`;
    return c.html(<CalendarFeedPanel feedUrl={feedUrl} csrfToken={pageContext(c).csrfToken} renewed />);
  });

  return app;
}

async function streamBlob(blobStore: AppDeps["blobStore"], key: string | null | undefined) {
  const blob = key ? await blobStore.get(key) : null;
  if (!blob) throw notFound("photo");
  return new Response(blob.body, {
    headers: {
      "Content-Type": blob.contentType,
      "Content-Length": String(blob.size),
      "Cache-Control": "private, max-age=300",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
