import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppDeps, AppEnv } from "./deps.ts";
import { onError, onNotFound } from "./errors.ts";
import { fileRoutes } from "./files.ts";
import { boundedBodies } from "./middleware/body-limit.ts";
import { crossSiteProtection } from "./middleware/cross-site.ts";
import { requestLog } from "./middleware/request-log.ts";
import { webhookMetrics } from "./middleware/webhook-metrics.ts";
import { requireLogin, staffSession } from "./middleware/staff-session.ts";
import { refuseControlCharactersInQuery } from "./validation.ts";
import { assetRoutes } from "./routes/assets.ts";
import { authRoutes } from "./routes/auth.tsx";
import { callRoutes } from "./routes/calls.tsx";
import { callerCheckRoutes } from "./routes/caller-check.tsx";
import { dashboardRoutes } from "./routes/dashboard.tsx";
import { healthRoutes } from "./routes/health.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { issueRoutes } from "./routes/issues.tsx";
import { scheduleRoutes } from "./routes/schedule.tsx";
import { visitRoutes } from "./routes/visits.tsx";
import { callSlotRoutes } from "./routes/call-slots.tsx";
import { myDayRoutes } from "./routes/my-day.tsx";
import { calendarFeedRoutes } from "./routes/calendar-feed.ts";
import { engineerScope } from "./middleware/engineer-scope.ts";
import { leadRoutes } from "./routes/leads.tsx";
import { settingsRoutes } from "./routes/settings.tsx";
import { onCallRoutes } from "./routes/on-call.tsx";
import { callConsentRoutes } from "./routes/call-consent.tsx";
import { staffUserRoutes } from "./routes/staff-users.tsx";
import { auditTrailRoutes } from "./routes/audit-trail.tsx";
import { reportRoutes } from "./routes/reports.tsx";
import { publicBoardRoutes, staffBoardRoutes } from "./routes/board.tsx";
import { boardLinkRoutes } from "./routes/board-links.tsx";
import { simulateRoutes } from "./routes/simulate.ts";
import { assistantCallRoutes } from "./routes/assistant-calls.ts";
import { mediaStreamRoutes } from "./routes/twilio-media-stream.ts";
import { assistantStreamRoutes } from "./routes/twilio-assistant-stream.ts";
import { twilioVoiceRoutes } from "./routes/twilio-voice.ts";
import { smsRoutes } from "./routes/sms.ts";
import { inboxRoutes } from "./routes/inbox.tsx";
import { liveRoutes } from "./routes/live.ts";
import { messageRoutes } from "./routes/messages.tsx";
import { whatsappRoutes } from "./routes/whatsapp.ts";
import { quoteRoutes } from "./routes/quotes.tsx";
import { quotePublicRoutes } from "./routes/quote-public.tsx";
import { visitPublicRoutes } from "./routes/visit-public.tsx";
import { stripeRoutes } from "./routes/stripe.tsx";
import { testCheckoutRoutes } from "./routes/stripe-test-checkout.tsx";
import type { LiveCall } from "../domain/live-call/live-call.ts";

/** Where a page's forms may post (and be redirected) besides its own origin. */
const formTargets = (publicBaseUrl: string, path: string) =>
  [new URL(publicBaseUrl).origin, ...(path.startsWith("/q/") ? ["https://checkout.stripe.com"] : [])].join(" ");

/**
 * The whole web app. Public routes (health, assets, signed file links) come first;
 * everything after `requireLogin` is for logged-in staff.
 * @example const app = createApp(deps); await app.request("/health")
 */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  // Calls whose media stream is open in this process, by CallSid: one pipeline per call.
  const activeCalls = new Map<string, LiveCall>();

  app.onError(onError);
  app.notFound(onNotFound);
  app.use(requestId());
  app.use(async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use(requestLog());
  app.use(webhookMetrics());
  app.use(refuseControlCharactersInQuery());
  app.use(boundedBodies());
  // "same-origin" referrers, not secureHeaders' "no-referrer": with no-referrer browsers send
  // `Origin: null` on our own form posts, and the cross-site check could not tell them apart.
  // A header a route sets itself wins (`overwrite: false`): the quote page and signed file links
  // carry a token in their URL and send no referrer at all.
  app.use(
    secureHeaders({
      overwrite: false,
      referrerPolicy: "same-origin",
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        mediaSrc: ["'self'", "blob:"],
        // An injected <base> or <form action> cannot redirect links or posts elsewhere, no other
        // site may frame our pages (clickjacking), and no plugin content runs.
        baseUri: ["'none'"],
        // Our own address as the public sees it may differ from the one a page was opened on
        // (PUBLIC_BASE_URL behind a proxy), and posts are answered with redirects to it, which
        // browsers hold to form-action too; so is the quote page's redirect to Stripe's checkout.
        formAction: ["'self'", (c) => formTargets(c.get("deps").settings.publicBaseUrl, c.req.path)],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
      },
    }),
  );

  app.route("/", healthRoutes());
  app.route("/", metricsRoutes());
  app.route("/", twilioVoiceRoutes());
  app.route("/", smsRoutes());
  app.route("/", whatsappRoutes());
  app.route("/", mediaStreamRoutes(activeCalls));
  app.route("/", assistantStreamRoutes(activeCalls));
  app.route("/", assetRoutes());
  // Quotes to cash: the customer's quote page, Stripe's endpoints, the embedded test checkout.
  app.route("/", stripeRoutes());
  app.route("/", quotePublicRoutes());
  // The customer's visit link (confirm, or ask for another time).
  app.route("/", visitPublicRoutes());
  app.route("/", testCheckoutRoutes());
  // Engineers' calendar feeds: phones subscribe without a login; the secret in the URL is the key.
  app.route("/", calendarFeedRoutes());
  // The office wall board on a screen with no login: a revocable read-only link opens it and nothing else.
  app.route("/", publicBoardRoutes());
  if (deps.verifyFileLink) app.route("/", fileRoutes(deps.blobStore, deps.verifyFileLink));

  const staff = new Hono<AppEnv>();
  staff.use(staffSession());
  staff.use(crossSiteProtection());
  staff.route("/", authRoutes(deps));
  staff.use(requireLogin());
  staff.use(engineerScope());
  staff.route("/", myDayRoutes());
  staff.route("/", dashboardRoutes());
  staff.route("/", liveRoutes());
  staff.route("/", leadRoutes());
  staff.route("/", issueRoutes());
  staff.route("/", visitRoutes());
  staff.route("/", callSlotRoutes());
  staff.route("/", scheduleRoutes());
  staff.route("/", inboxRoutes());
  staff.route("/", messageRoutes());
  staff.route("/", quoteRoutes());
  staff.route("/", reportRoutes());
  staff.route("/", staffBoardRoutes());
  staff.route("/", boardLinkRoutes());
  staff.route("/", callRoutes(activeCalls));
  staff.route("/", callerCheckRoutes());
  staff.route("/", settingsRoutes());
  staff.route("/", onCallRoutes());
  staff.route("/", callConsentRoutes());
  staff.route("/", staffUserRoutes());
  staff.route("/", auditTrailRoutes());
  staff.route("/", simulateRoutes());
  staff.route("/", assistantCallRoutes());
  app.route("/", staff);

  return app;
}
