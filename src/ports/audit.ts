/** What an audit entry is about. */
export const AUDIT_ENTITIES = [
  "lead",
  "issue",
  "call",
  "quote",
  "settings",
  "user",
  "payment",
  "recording",
  "media",
  "appointment",
  /** A number on the assistant's opt-out register (src/domain/assistant/call-policy.ts). */
  "opt_out",
  /** A read-only link to the office wall board (src/domain/board/links.ts). */
  "board_link",
] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

/** Who changed what: one entry a change staff (or a provider) made. */
export interface AuditEntry {
  /** A staff user's email, or a system actor such as "twilio" or "extraction". */
  who: string;
  /** What happened, in a few words: "created", "status open → scheduled", "corrected name". */
  what: string;
  entity: AuditEntity;
  entityId: string | null;
  at: Date;
  details?: Record<string, unknown>;
}

/** The audit page's search: every field optional, all given ones must match. */
export interface AuditSearch {
  /** Part of the actor's email (or system name). */
  who?: string;
  /** Words of what happened, or a record's id. */
  text?: string;
  entity?: AuditEntity;
  /** Entries at or after this instant. */
  from?: Date;
  /** Entries before this instant. */
  before?: Date;
}

export interface AuditTrail {
  record(entry: AuditEntry): Promise<void>;
  forEntity(entity: AuditEntity, entityId: string, limit?: number): Promise<AuditEntry[]>;
  /** One page of matching entries, newest first; `more` when another page follows. */
  search(
    search: AuditSearch,
    page: { limit: number; offset: number },
  ): Promise<{ entries: AuditEntry[]; more: boolean }>;
}
