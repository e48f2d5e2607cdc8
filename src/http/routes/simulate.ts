import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import { z } from "zod";
import { HTTPException } from "hono/http-exception";
import { playCall } from "../../simulator/play-call.ts";
import { SHIPPED_FIXTURES_DIR } from "../../fixtures.ts";
import type { AppEnv } from "../deps.ts";
import { redirectAfterPost } from "../respond.ts";
import { CODE_MAX, formText, validForm } from "../validation.ts";

/** Which scripted call to play; whether it exists is the fixtures folder's answer. */
const simulateForm = z.object({ fixture: formText(CODE_MAX) });

/** The scripted calls a newcomer can play from the dashboard. */
export const shippedFixtures = (): string[] => readdirSync(SHIPPED_FIXTURES_DIR).sort();

/**
 * POST /simulate-call: on the embedded default (no Twilio account), plays one of the shipped
 * calls against this server exactly as Twilio would, in real time, and opens its live page.
 * With a Twilio account configured, real calls arrive and this is refused.
 */
export function simulateRoutes() {
  const app = new Hono<AppEnv>();
  app.post("/simulate-call", validForm(simulateForm), async (c) => {
    const deps = c.get("deps");
    if (!deps.twilio.local)
      throw new HTTPException(409, {
        message: "Twilio is configured: real calls arrive; the simulator is for the embedded default.",
      });
    const name = c.req.valid("form").fixture;
    if (!shippedFixtures().includes(name))
      throw new HTTPException(422, { message: `There is no scripted call named "${name}".` });
    const answered = Promise.withResolvers<string | null>();
    const playing = playCall({
      baseUrl: deps.settings.publicBaseUrl,
      authToken: deps.twilio.authToken,
      fixtureDir: join(SHIPPED_FIXTURES_DIR, name),
      demoTranscript: true,
      log: (event) => {
        if (event.type === "answered") answered.resolve(event.callId);
      },
    });
    playing.then(
      (result) => deps.logger.info({ callId: result.callId, audioMs: result.audioMs }, "simulated call finished"),
      (error: unknown) => {
        deps.logger.warn({ err: error }, "simulated call failed");
        answered.resolve(null);
      },
    );
    const callId = await answered.promise;
    if (!callId)
      throw new HTTPException(502, {
        message: "The simulated call could not reach this server at its public address (PUBLIC_BASE_URL).",
      });
    return redirectAfterPost(c, `/calls/${callId}`);
  });
  return app;
}
