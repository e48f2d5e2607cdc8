import type { Lead, LeadSegment } from "./leads.ts";

/** Who the caller says they are and where the job is, as the call's extraction reads it. */
export interface CallerSays {
  name: string | null;
  organisation: string | null;
  address: string | null;
  postcode: string | null;
}

/** What we hold for the number: its lead, the lead's named contacts, and its jobs' postcodes. */
export interface OnFile {
  lead: Pick<Lead, "name" | "organisation" | "address" | "postcode" | "segment">;
  contacts: readonly { name: string }[];
  sitePostcodes: readonly string[];
}

/** Why the caller does not look like the lead on file. */
export type MismatchReason = "name" | "organisation" | "site";

export type CallerMatch = { matches: true } | { matches: false; reason: MismatchReason };

// Segments that look after many sites: a new site from them is the everyday case, not a new caller.
const MANY_SITES: readonly LeadSegment[] = ["landlord", "letting_agent", "commercial"];
const TITLES = new Set(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir"]);
const COMPANY_WORDS = new Set(["ltd", "limited", "plc", "llp", "co", "company", "the", "and"]);

/** Lower case, accents and punctuation gone, hyphens as spaces: "O'Brien-Smith" → ["obrien", "smith"]. */
const words = (text: string): string[] =>
  text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[-_/]+/g, " ")
    .replace(/[^a-z0-9\s]/g, "")
    .split(/\s+/)
    .filter(Boolean);

const compact = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * Whether two spoken or written names can be one person: case, punctuation and titles aside,
 * the first names agree (an initial agrees with a name it starts) and the surnames differ only
 * when both are given. "David" and "David Patel" agree; "David Patel" and "David Shah" do not;
 * "Mrs Shah" agrees with "Priya Shah" (a title with a surname alone is compared by surname).
 *
 * @example sameName("david patel", "David Patel") // true
 * @example sameName("David", "Priya Shah") // false
 */
export function sameName(a: string, b: string): boolean {
  const titled = (text: string) => words(text).length > 0 && TITLES.has(words(text)[0]!);
  const [x, y] = [words(a).filter((w) => !TITLES.has(w)), words(b).filter((w) => !TITLES.has(w))];
  if (x.length === 0 || y.length === 0) return false;
  // "Mrs Shah": a surname alone, marked so by the title.
  if (titled(a) && x.length === 1) return y.length > 1 && y.at(-1) === x[0];
  if (titled(b) && y.length === 1) return x.length > 1 && x.at(-1) === y[0];
  const [firstX, firstY] = [x[0]!, y[0]!];
  const firstAgrees =
    firstX === firstY ||
    (firstX.length === 1 && firstY.startsWith(firstX)) ||
    (firstY.length === 1 && firstX.startsWith(firstY));
  if (!firstAgrees) return false;
  return x.length === 1 || y.length === 1 || x.at(-1) === y.at(-1);
}

/** "Shah Lettings Ltd" and "shah lettings": the same organisation. */
export function sameOrganisation(a: string, b: string): boolean {
  const core = (text: string) =>
    words(text)
      .filter((w) => !COMPANY_WORDS.has(w))
      .join(" ");
  return core(a) !== "" && core(a) === core(b);
}

const given = (text: string | null | undefined): text is string => Boolean(text?.trim());

/**
 * What `callerMatch` will look at for what the caller says, so a check reads no more than that:
 * nothing on file when the caller gave no name, organisation or postcode (that always matches),
 * the contacts only for a name, the jobs' sites only for a postcode without a name.
 *
 * @example onFileNeeded({ name: "David Patel", organisation: null, address: null, postcode: null })
 * // { lead: true, contacts: true, sites: false }
 */
export function onFileNeeded(says: CallerSays): { lead: boolean; contacts: boolean; sites: boolean } {
  const lead = given(says.name) || given(says.organisation) || given(says.postcode);
  return { lead, contacts: given(says.name), sites: !given(says.name) && given(says.postcode) };
}

/**
 * Whether the caller is who the number's lead says: the one rule for "is this the same customer?".
 * A name decides when the caller gives one and the lead (or one of its contacts) has one; an
 * organisation when no name could; a site only for a lead with one home (a tenant or homeowner)
 * and only when the caller gave no name: a postcode that is neither the lead's nor any of its
 * jobs'. A lead that knows nothing to compare (a number first heard on this call) always matches.
 *
 * @example callerMatch({ name: "David Patel", … }, { lead: { name: "Priya Shah", … }, … })
 * // { matches: false, reason: "name" }
 */
export function callerMatch(says: CallerSays, onFile: OnFile): CallerMatch {
  const { lead, contacts } = onFile;
  if (given(says.name)) {
    const names = [lead.name, ...contacts.map((c) => c.name)].filter(given);
    if (names.some((name) => sameName(says.name!, name))) return { matches: true };
    if (given(lead.name)) return { matches: false, reason: "name" };
  }
  if (given(says.organisation) && given(lead.organisation)) {
    return sameOrganisation(says.organisation, lead.organisation)
      ? { matches: true }
      : { matches: false, reason: "organisation" };
  }
  if (given(says.name) || !given(says.postcode) || !given(lead.postcode)) return { matches: true };
  if (MANY_SITES.includes(lead.segment)) return { matches: true };
  const known = [lead.postcode, ...onFile.sitePostcodes].map(compact);
  return known.includes(compact(says.postcode)) ? { matches: true } : { matches: false, reason: "site" };
}

/**
 * The notice staff read: "Caller says David Patel; this number belongs to Priya Shah, Shah Lettings".
 */
export function mismatchSentence(
  says: CallerSays,
  reason: MismatchReason,
  lead: Pick<Lead, "name" | "organisation" | "address" | "postcode">,
): string {
  const holder = [lead.name, lead.organisation].filter(given).join(", ");
  if (reason === "site") {
    const site = [says.address, says.postcode].filter(given).join(", ");
    const home = [lead.address, lead.postcode].filter(given).join(", ");
    return `Caller gives a site at ${site}; this number belongs to ${holder}${home ? ` at ${home}` : ""}`;
  }
  const caller = [says.name, says.organisation].filter(given).join(" of ");
  return `Caller says ${caller}; this number belongs to ${holder}`;
}

/** Staff's answer to a mismatch: the lead on file, another contact at the number, or a new customer. */
export const CALLER_CHOICES = ["same", "contact", "different"] as const;
export type CallerChoice = (typeof CALLER_CHOICES)[number];

/**
 * A call whose caller did not look like the number's lead. Pending until staff choose: the call
 * is flagged "check caller" and its filing waits (`filingHeld` once the call ended meanwhile).
 * Stored as plain JSON on the call.
 */
export type CallerCheck =
  | {
      state: "pending";
      says: CallerSays;
      reason: MismatchReason;
      /** The lead on file when the mismatch was seen. */
      leadId: string;
      notice: string;
      filingHeld: boolean;
    }
  | {
      state: "resolved";
      says: CallerSays;
      reason: MismatchReason;
      choice: CallerChoice;
      /** The lead on file when the mismatch was seen. */
      fromLeadId: string;
      /** The lead the call is filed under now. */
      leadId: string;
      notice: string;
      /** What staff decided, as the page says it: "David Patel added as a contact of Priya Shah". */
      outcome: string;
    };

export const awaitsCallerCheck = (call: { callerCheck: CallerCheck | null }): boolean =>
  call.callerCheck?.state === "pending";

/**
 * What of the caller's own words may fill in the lead the call is filed under: all of it, unless
 * staff said the caller is another contact at the number (their name is the contact's, not the
 * lead's) or the caller is still unconfirmed.
 */
export function callerDetailsForLead<E extends { name: string | null; organisation: string | null }>(
  check: CallerCheck | null,
  extraction: E,
): E {
  const theirs = check === null || (check.state === "resolved" && check.choice !== "contact");
  return theirs ? extraction : { ...extraction, name: null, organisation: null };
}
