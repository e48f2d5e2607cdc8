import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isDatabaseUnreachable } from "../adapters/db/connection-errors.ts";
import type { Rejection } from "../domain/result.ts";
import { ErrorPage } from "../views/errors.tsx";
import type { AppEnv } from "./deps.ts";
import { isHtmx, pageContext } from "./page-context.ts";

/** Thrown by handlers when an id in the path names nothing. */
export const notFound = (what: string) => new HTTPException(404, { message: `There is no ${what} with that id.` });

/**
 * How a domain reason is answered over HTTP: its status and, where set, the heading of the
 * customer's page and the sentence people read instead of the domain's own.
 */
interface ReasonAnswer {
  status: ContentfulStatusCode;
  title?: string;
  message?: string;
}

/**
 * The one table from domain reasons (`Rejection.reason`) to HTTP answers. A reason not listed
 * is 409: the request was understood, but what it names is not in a state that allows it.
 */
const REASONS: Record<string, ReasonAnswer> = {
  not_found: { status: 404 },
  bad_signature: { status: 400 },
  bad_payload: { status: 400 },
  bad_credentials: { status: 401 },
  invalid_correction: { status: 422 },
  invalid_caller_answer: { status: 422 },
  invalid_rules: { status: 422 },
  invalid_email: { status: 422 },
  invalid_phone: { status: 422 },
  weak_password: { status: 422 },
  invalid_role: { status: 422 },
  illegal_transition: { status: 422 },
  quote_expired: { status: 409, title: "This quote has expired" },
  quote_already_paid: { status: 409, title: "This quote is already paid" },
  quote_not_open: { status: 409, title: "This quote can no longer be accepted" },
  quote_replaced: { status: 409, title: "This quote has been replaced" },
  quote_not_payable: { status: 409, title: "This quote cannot be paid" },
  not_given_up: { status: 409 },
  // A report's date range (src/domain/reports/date-range.ts): the address asked for no real range.
  unknown_preset: { status: 400 },
  bad_date: { status: 400 },
  range_backwards: { status: 400 },
  range_too_long: { status: 400 },
  phone_taken: { status: 409, message: "A lead with this number already exists." },
  // Booking a visit (src/domain/scheduling): what the form got wrong is 422; a calendar or job that
  // changed under it is 409.
  invalid_time: { status: 422 },
  in_the_past: { status: 422 },
  missing_trade: { status: 422 },
  outside_hours: { status: 422 },
  unknown_engineer: { status: 422 },
  double_booked: { status: 409 },
  no_time_to_travel: { status: 409 },
  issue_closed: { status: 409 },
  stale: { status: 409 },
  // Booking from a live call (src/domain/scheduling/call-booking.ts).
  details_missing: { status: 422 },
  caller_unconfirmed: { status: 409 },
  call_ended: { status: 409 },
  visit_closed: { status: 409, title: "This visit can no longer be changed" },
  // The engineer's phone view (src/http/routes/my-day.tsx).
  invalid_note: { status: 422 },
  invalid_photo: { status: 422 },
  not_movable: { status: 409 },
  // Office hours and the on-call rota (src/domain/scheduling/on-call.ts).
  invalid_hours: { status: 422 },
  invalid_period: { status: 422 },
  overlap: { status: 409 },
  // The assistant's calls (src/domain/assistant/call-policy.ts): settings forms.
  invalid_calling_hours: { status: 422 },
  invalid_reason: { status: 422 },
  // Calls with the assistant (src/domain/assistant).
  nothing_to_ask: { status: 409 },
  not_allowed: { status: 409 },
  call_failed: { status: 502 },
};

const answerFor = (reason: string): ReasonAnswer => REASONS[reason] ?? { status: 409 };

/** The HTTP status a domain reason is answered with. */
export const reasonStatus = (reason: string): ContentfulStatusCode => answerFor(reason).status;

/** The heading a customer's page shows for a reason, when the table has one. */
export const reasonTitle = (reason: string): string | undefined => answerFor(reason).title;

/** The sentence a refusal shows: the table's, else the domain's own. */
export const reasonMessage = (rejection: Rejection): string => answerFor(rejection.reason).message ?? rejection.message;

/**
 * A refusal from the domain, thrown as the HTTP error the table gives it; `onError` renders it
 * (JSON under /api/, the flash area for htmx, else the error page).
 * @example if (!result.ok) throw rejectionError(result);
 */
export const rejectionError = (rejection: Rejection) =>
  new HTTPException(reasonStatus(rejection.reason), { message: reasonMessage(rejection) });

const TITLES: Record<number, string> = {
  400: "Bad request",
  403: "Not allowed",
  404: "Not found",
  409: "Not possible now",
  422: "Check the form",
  429: "Too many requests",
  503: "Try again shortly",
};

function respond(c: Context<AppEnv>, status: ContentfulStatusCode, message: string) {
  const title = TITLES[status] ?? "Something went wrong";
  const wantsJson = c.req.path.startsWith("/api/") || (c.req.header("Accept") ?? "").startsWith("application/json");
  if (wantsJson) return c.json({ error: message }, status);
  if (isHtmx(c)) {
    // Swap the reason into the page's message area rather than replacing the target.
    c.header("HX-Retarget", "#flash");
    c.header("HX-Reswap", "innerHTML");
    return c.html(`<p class="form-error" role="alert">${Bun.escapeHTML(message)}</p>`, status);
  }
  return c.html(ErrorPage({ ctx: pageContext(c), status, title, message }), status);
}

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof HTTPException) {
    if (error.status >= 500) c.get("deps")?.logger.error({ err: error.cause ?? error }, error.message);
    return respond(c, error.status as ContentfulStatusCode, error.message);
  }
  if (isDatabaseUnreachable(error)) {
    // A restart or fail-over: the load balancer and the browser should try again shortly.
    c.get("deps")?.logger.warn({ err: error, path: c.req.path }, "database unreachable; answered 503");
    c.header("Retry-After", "5");
    return respond(c, 503, "The database cannot be reached for a moment. Please try again in a few seconds.");
  }
  c.get("deps")?.logger.error({ err: error, path: c.req.path }, "unhandled error");
  return respond(c, 500, "Something went wrong on our side. It has been logged.");
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) => respond(c, 404, "There is nothing at this address.");
