/** Who changed what: one entry a change staff (or a provider) made. */
export interface AuditEntry {
  /** A staff user's email, or a system actor such as "twilio" or "extraction". */
  who: string;
  /** What happened, in a few words: "created", "status open → scheduled", "corrected name". */
  what: string;
  entity: "lead" | "issue" | "call" | "quote" | "settings" | "user";
  entityId: string | null;
  at: Date;
  details?: Record<string, unknown>;
}

export interface AuditTrail {
  record(entry: AuditEntry): Promise<void>;
  forEntity(entity: AuditEntry["entity"], entityId: string, limit?: number): Promise<AuditEntry[]>;
}
