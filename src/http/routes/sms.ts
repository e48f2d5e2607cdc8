import { Hono } from "hono";
import { incomingSms, smsStatusReport } from "../../adapters/twilio/sms-webhook.ts";
import { applyStatusReport, DEFERRED_STATUS_TASK } from "../../domain/messaging/deliveries.ts";
import { recordInboundMessage, type InboundDeps } from "../../domain/messaging/inbound.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { verifyTwilio } from "../middleware/verify-twilio.ts";

export const inboundDeps = (deps: AppDeps): InboundDeps => ({
  messages: deps.repos.messages,
  leads: deps.repos.leads,
  leadAliases: deps.repos.leadAliases,
  auditTrail: deps.repos.audit,
  tasks: deps.repos.tasks,
  liveEvents: deps.liveEvents,
  log: deps.logger,
  now: deps.now,
});

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * Twilio's SMS webhooks, signature-checked like the voice ones: an inbound text goes on the
 * sender's lead (found or created by number), once per MessageSid; a status callback updates
 * the outbound message it is about.
 */
export function smsRoutes() {
  const app = new Hono<AppEnv>();
  app.post("/api/twilio/sms", verifyTwilio(), async (c) => {
    const deps = c.get("deps");
    const parsed = incomingSms(c.get("twilioParams"), deps.now());
    if (!parsed.ok) return c.text(parsed.message, 400);
    for (const incoming of parsed.value) await recordInboundMessage(inboundDeps(deps), incoming);
    deps.backgroundTasks.poke();
    // An empty TwiML answer: no automatic reply from Twilio.
    c.header("Content-Type", "text/xml; charset=utf-8");
    return c.body(EMPTY_TWIML);
  });

  app.post("/api/twilio/sms-status", verifyTwilio(), async (c) => {
    const deps = c.get("deps");
    const report = smsStatusReport(c.get("twilioParams"), deps.now());
    if (!report) return c.text("MessageSid or MessageStatus is missing or malformed.", 400);
    const outcome = await applyStatusReport(inboundDeps(deps), report);
    if (outcome === "unmatched") {
      // Twilio can report before its API answer is stored: apply it from a durable job, retried.
      await deps.repos.tasks.enqueue({
        kind: DEFERRED_STATUS_TASK,
        key: `${report.providerId}:${report.rawStatus}`,
        payload: { ...report, at: report.at.toISOString() },
        runAt: deps.now(),
      });
      deps.backgroundTasks.poke();
    }
    return c.body(null, 204);
  });

  return app;
}
