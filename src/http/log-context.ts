import type { Context } from "hono";
import type { AppEnv } from "./deps.ts";

/** Ids are logged as sent, but no longer than any provider's (a CallSid is 34 characters). */
const MAX_ID_LENGTH = 64;

/**
 * From here on in this request every log line carries `ids` (a webhook's CallSid or event id):
 * handlers and the use cases they call log through `deps.logger`, which becomes a pino child.
 * Ids only — never a number, name or text — and unset ones are left out.
 * @example logAbout(c, { callSid: params.CallSid })
 */
export function logAbout<E extends AppEnv>(c: Context<E>, ids: Record<string, string | undefined>): void {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(ids)) if (value) fields[name] = value.slice(0, MAX_ID_LENGTH);
  if (Object.keys(fields).length === 0) return;
  const deps = c.get("deps");
  c.set("deps", { ...deps, logger: deps.logger.child(fields) });
}
