import type { Context } from "hono";
import type { AuditEntry } from "../ports/audit.ts";
import type { AppEnv } from "./deps.ts";

/**
 * Records a staff change in the audit trail (who, what, on which record) and logs it. Field
 * values are not copied into the log line: they may be personal data.
 */
export async function audit(
  c: Context<AppEnv>,
  entity: AuditEntry["entity"],
  entityId: string | null,
  what: string,
  details?: Record<string, unknown>,
) {
  const { repos, logger, now } = c.get("deps");
  const user = c.get("user");
  await repos.audit.record({ who: user?.email ?? "unknown", what, entity, entityId, at: now(), details });
  logger.info({ event: "audit", entity, entityId, what, userId: user?.id }, `${entity} ${what}`);
}

/** The names of the fields an edit changed (not their values). */
export function changedFields(before: object, after: object): string[] {
  const old = before as Record<string, unknown>;
  return Object.entries(after as Record<string, unknown>)
    .filter(([key, value]) => JSON.stringify(old[key] ?? null) !== JSON.stringify(value ?? null))
    .map(([key]) => key);
}

/**
 * Whether a media request is an opening rather than a player fetching a later part: audio and
 * video players ask again with a Range, and each of those is not a new look at the file.
 */
export const opensFromStart = (range: string | undefined) => !range || /^bytes=0-/.test(range.trim());
