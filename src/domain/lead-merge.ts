import type { Lead, LeadFields, LeadSegment } from "./leads.ts";

/** The details a surviving lead takes from the lead merged into it, when it has none of its own. */
const FILLED_FROM_ABSORBED = ["name", "organisation", "email", "address", "postcode", "notes"] as const;

type MergedDetails = Partial<Pick<LeadFields, (typeof FILLED_FROM_ABSORBED)[number]>> & { segment?: LeadSegment };

/**
 * Which of two leads found to be one person stays, and which goes. The phone number is the
 * dedup key, so a lead with a number survives one without; between two without, the one that
 * already holds the alias stays (it was there first: a delivery that raced it made the other).
 * Null when they are the same lead, or both have numbers (two numbers are two leads).
 *
 * @example leadMergeOrder(aliasLead, callerLead) // { survivor: callerLead, absorbed: aliasLead } when only callerLead has a number
 */
export function leadMergeOrder<L extends Pick<Lead, "id" | "phone">>(
  aliasHolder: L,
  other: L,
): { survivor: L; absorbed: L } | null {
  if (aliasHolder.id === other.id) return null;
  if (aliasHolder.phone && other.phone) return null;
  if (other.phone) return { survivor: other, absorbed: aliasHolder };
  return { survivor: aliasHolder, absorbed: other };
}

/**
 * What the surviving lead's details become when `absorbed` is merged into it: staff's (or the
 * first contact's) entries win; a blank the survivor has is filled from the absorbed lead, and
 * an "unknown" segment takes the absorbed lead's known one. The number never moves (the
 * survivor is the one with it, see `leadMergeOrder`), nor does the status. Only the changes are
 * returned: an empty object means the survivor stays as it is.
 */
export function mergedLeadDetails(
  survivor: Pick<Lead, (typeof FILLED_FROM_ABSORBED)[number] | "segment">,
  absorbed: Pick<Lead, (typeof FILLED_FROM_ABSORBED)[number] | "segment">,
): MergedDetails {
  const changes: MergedDetails = {};
  for (const field of FILLED_FROM_ABSORBED) {
    const value = absorbed[field];
    if (!survivor[field] && value) changes[field] = value;
  }
  if (survivor.segment === "unknown" && absorbed.segment !== "unknown") changes.segment = absorbed.segment;
  return changes;
}
