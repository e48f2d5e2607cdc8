import { fixedLines } from "../../domain/assistant/scripts.ts";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { HTTPException } from "hono/http-exception";
import { placeAssistantCall } from "../../domain/assistant/place-call.ts";
import {
  leadSubject,
  quoteSubject,
  visitSubject,
  type CallSubject,
  type NotCallable,
} from "../../domain/assistant/subjects.ts";
import type { Result } from "../../domain/result.ts";
import type { CustomerReply } from "../../compose/app-deps.ts";
import type { AppEnv } from "../deps.ts";
import { CALLS_CHANNEL } from "../../domain/live-call/channels.ts";
import { rejectionError } from "../errors.ts";
import { redirectAfterPost } from "../respond.ts";
import { streamTokenFor } from "../stream-token.ts";
import { CODE_MAX, formText, validForm } from "../validation.ts";

/**
 * On the embedded default, what the simulated customer answers: "press:1", "say:another time",
 * or nothing (staff key it in on the call's page). Ignored with Twilio.
 */
const REPLY = /^(press:[0-9*#]|say:[\w ',.?!-]{1,120})$/;
const callForm = z.object({
  reply: formText(CODE_MAX + 120)
    .optional()
    .refine((value) => !value || REPLY.test(value), { message: 'The reply must be "press:<key>" or "say:<words>".' }),
});

const asReply = (value: string | undefined): CustomerReply[] => {
  if (!value) return [];
  const [kind, ...rest] = value.split(":");
  const text = rest.join(":");
  return [kind === "press" ? { digit: text } : { words: text }];
};

/**
 * "Call with the assistant" from a visit, a quote or a lead: works out what the call is about
 * (refused with the reason when there is nothing to ask or no number), then places it and opens
 * the call's live page.
 */
export function assistantCallRoutes() {
  const app = new Hono<AppEnv>();

  const place = async (c: Context<AppEnv>, subject: Result<CallSubject, NotCallable>, reply: string | undefined) => {
    if (!subject.ok) throw rejectionError(subject);
    const deps = c.get("deps");
    // The fixed lines (the opening first) are made while the phone rings; made once, then cached.
    deps.voice
      .prepare(fixedLines(deps.settings.companyName))
      .catch((error: unknown) =>
        deps.logger.warn({ err: error }, "the assistant's fixed lines could not be made ahead"),
      );
    const id = crypto.randomUUID();
    deps.assistant.simulator?.plan(id, asReply(reply));
    const placed = await placeAssistantCall(
      {
        calls: deps.repos.calls,
        caller: deps.assistant.caller,
        consent: deps.callConsent,
        audit: deps.repos.audit,
        log: deps.logger,
        now: deps.now,
        newId: () => id,
        streamToken: (callId) => streamTokenFor(deps, callId),
        publicBaseUrl: () => deps.settings.publicBaseUrl,
      },
      subject.value,
      { who: c.get("user")?.email ?? "unknown" },
    );
    if (!placed.ok) throw rejectionError(placed);
    // The calls list shows it at once, as it does a call arriving.
    await deps.liveEvents.publish(CALLS_CHANNEL, {
      type: "call",
      data: { callId: placed.value.id, status: placed.value.status },
    });
    return redirectAfterPost(c, `/calls/${placed.value.id}`);
  };

  const ports = (c: Context<AppEnv>) => {
    const { repos } = c.get("deps");
    return { ...repos, visitsForIssue: (issueId: string) => repos.appointments.forIssue(issueId) };
  };

  app.post("/visits/:id/assistant-call", validForm(callForm), async (c) =>
    place(c, await visitSubject(ports(c), c.req.param("id"), c.get("deps").now()), c.req.valid("form").reply),
  );
  app.post("/quotes/:id/assistant-call", validForm(callForm), async (c) =>
    place(c, await quoteSubject(ports(c), c.req.param("id")), c.req.valid("form").reply),
  );
  app.post("/leads/:id/assistant-call", validForm(callForm), async (c) =>
    place(c, await leadSubject(ports(c), c.req.param("id"), c.get("deps").now()), c.req.valid("form").reply),
  );

  /** Staff playing the customer of a simulated call: a key or words, sent as the customer's. */
  const keyIn = z.object({ digit: formText(1).optional(), words: formText(120).optional() });
  app.post("/calls/:id/simulated-customer", validForm(keyIn), async (c) => {
    const deps = c.get("deps");
    const customer = deps.assistant.simulator?.customer(c.req.param("id"));
    if (!customer) throw new HTTPException(409, { message: "No simulated assistant call is going on with this id." });
    const { digit, words } = c.req.valid("form");
    if (digit && /^[0-9*#]$/.test(digit)) customer.press(digit);
    else if (words) customer.say(words);
    else throw new HTTPException(422, { message: "Press one key (0–9, * or #) or type the customer's words." });
    return c.body(null, 204);
  });

  return app;
}
