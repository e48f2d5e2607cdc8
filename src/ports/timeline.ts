/** One thing that happened with a lead, newest first on the lead page. */
export type TimelineEntry =
  | { kind: "call"; at: Date; id: string; title: string; detail: string | null }
  | { kind: "issue"; at: Date; id: string; title: string; detail: string | null }
  | { kind: "quote"; at: Date; id: string; title: string; detail: string | null }
  | { kind: "message"; at: Date; id: string; title: string; detail: string | null };

export interface Timeline {
  forLead(leadId: string): Promise<TimelineEntry[]>;
}
