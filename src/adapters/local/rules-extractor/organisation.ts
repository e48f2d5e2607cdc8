import { tokensOf, type CallText } from "./call-text.ts";

/** Last words that make a capitalised phrase a business rather than a person or a place. */
const ORG_WORDS =
  "Lettings|Letting|Lets|Estates|Estate|Agents|Agency|Property|Properties|Management|Homes|Housing|Residential|Ltd|Limited|" +
  "PLC|LLP|Group|Associates|Partners|Partnership|Solicitors|Accountants|Dental|Dentist|Dentists|Surgery|Practice|Clinic|" +
  "Medical|Pharmacy|School|Academy|College|Nursery|Church|Hotel|Restaurant|Cafe|Café|Bar|Pub|Inn|Arms|Store|Stores|Shop|" +
  "Salon|Gym|Centre|Center|Trust|Council|Services|Care|Bakery|Garage|Motors|Studio|Studios|Foods|Kitchen|Lodge|Club";
const ORG_END = new RegExp(`^(?:${ORG_WORDS})$`);
const ORG_WORD_LIST = ORG_WORDS.toLowerCase().split("|");
const PHRASE = String.raw`((?:The |the )?(?:[A-Z][\w'’&-]*|&|and|of)(?:\s+(?:[A-Z][\w'’&-]*|&|and|of)){0,5})`;
/** After a person's name or job: "Emma Clarke from Greenway Lettings", "practice manager at Riverside Dental". */
const AFTER_PERSON = new RegExp(
  String.raw`(?:[A-Z][a-z]+|manager|director|administrator|owner|landlord|receptionist|secretary|calling|ringing|phoning)\s+(?:from|at|of|with)\s+` +
    PHRASE,
  "g",
);
const ON_BEHALF = new RegExp(String.raw`\b(?:on behalf of|work for|working for|i'm with|we're)\s+` + PHRASE, "gi");
/** "I run Cut Above, the hair salon": a business the caller runs, by name. */
const RUNS = new RegExp(String.raw`\b(?:I|we) (?:run|manage|own)\s+` + PHRASE, "g");
const JOB = /^(manager|director|administrator|owner|receptionist|secretary)\b/i;
const ANY_PHRASE = new RegExp(PHRASE, "g");
/** A business named next to "tenant with", "rent from", "my landlord" is the caller's landlord, not the caller's firm. */
const LANDLORDS =
  /\b(tenant (with|of)|rent(ing)? (from|off|with|through)|my landlord|our landlord|housing association)\s*(is\s+)?$/i;

function trim(phrase: string): string | null {
  const words = phrase.split(/\s+/);
  while (words.length && /^(and|of|&)$/.test(words.at(-1)!)) words.pop();
  if (words.length === 0) return null;
  if (words[0] === "the") words[0] = "The";
  const name = words.join(" ");
  return name === "The" ? null : name;
}

/**
 * The caller's organisation: a name after the caller's own ("it's Emma from Greenway Lettings"),
 * after a job ("practice manager at Riverside Dental"), or any capitalised name ending in a
 * business word ("Harper and Lowe Solicitors"). The company's own name, which staff say, is left out.
 */
export function findOrganisation(call: CallText): { organisation: string; confidence: number } | null {
  const ours = call.memo.get(
    call.staff,
    "ours",
    () => new Set([...call.staff.matchAll(ANY_PHRASE)].map((m) => m[1]!.toLowerCase())),
  );
  const found = call.callerTurns.map((turn) =>
    call.memo.get(turn.text, "organisation", () =>
      organisationsInTurn(turn.text, new Set(tokensOf(call, turn.text).map((t) => t.word))),
    ),
  );
  for (const plain of [true, false]) {
    for (const turn of found) {
      for (const candidate of turn) {
        if (candidate.plain === plain && !ours.has(candidate.organisation.toLowerCase())) {
          return { organisation: candidate.organisation, confidence: candidate.confidence };
        }
      }
    }
  }
  return null;
}

interface OrganisationCandidate {
  organisation: string;
  confidence: number;
  /** Said as the caller's own ("from", "at", "I run"), rather than just a business name somewhere. */
  plain: boolean;
}

/** `words`: the turn's words in lower case, to skip the patterns that cannot match. */
function organisationsInTurn(text: string, words: Set<string>): OrganisationCandidate[] {
  const has = (...any: string[]) => any.some((w) => words.has(w));
  const found: OrganisationCandidate[] = [];
  const accept = (phrase: string | undefined, requireOrgWord: boolean, before: string): string | null => {
    if (!phrase) return null;
    const name = trim(phrase);
    if (!name || LANDLORDS.test(before)) return null;
    const words = name.split(" ");
    if (/^[A-Z]/.test(words[0]!) === false && words[0] !== "The") return null;
    if (requireOrgWord && !ORG_END.test(words.at(-1)!)) return null;
    return name;
  };
  if (has("from", "at", "of", "with"))
    for (const m of text.matchAll(AFTER_PERSON)) {
      const start = m.index + m[0].length - m[1]!.length;
      const named = accept(m[1], false, text.slice(0, start));
      // A single word after "from" could be a town ("calling from Croydon"): only a business word, a job or a person's name before it will do.
      if (named && (named.includes(" ") || /^[A-Z]/.test(m[0]) || JOB.test(m[0]) || ORG_END.test(named))) {
        if (!/^(calling|ringing|phoning)/i.test(m[0]) || ORG_END.test(named.split(" ").at(-1)!))
          found.push({ organisation: named, confidence: 0.8, plain: true });
      }
    }
  if (has("run", "manage", "own"))
    for (const m of text.matchAll(RUNS)) {
      const named = accept(m[1], false, "");
      if (named && named !== "The") found.push({ organisation: named, confidence: 0.7, plain: true });
    }
  if (has("behalf", "work", "working", "i'm", "we're"))
    for (const m of text.matchAll(ON_BEHALF)) {
      const named = accept(m[1], true, "");
      if (named) found.push({ organisation: named, confidence: 0.75, plain: true });
    }
  if (ORG_WORD_LIST.some((w) => words.has(w)))
    for (const m of text.matchAll(ANY_PHRASE)) {
      const named = accept(m[1], true, text.slice(0, m.index));
      if (named && named.split(" ").length >= 2) found.push({ organisation: named, confidence: 0.6, plain: false });
    }
  return found;
}
