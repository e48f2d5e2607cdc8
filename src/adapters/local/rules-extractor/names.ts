import { spelledWords } from "../../../domain/extraction/spoken.ts";
import { isLowercase, postcodesIn, titleCase, type CallText } from "./call-text.ts";

const TITLES = new Set(["mr", "mrs", "ms", "miss", "dr", "mx"]);

/** Words that start sentences or name things, never a caller's name. */
const NOT_NAMES = new Set(
  (
    "a an the i i'm i've i'll it it's its this that that's there there's here here's these those my me our your their his her " +
    "we we're you you're they he she yes yeah yep yup aye no nope hi hiya hello hey oh ah um er erm uh so well and but or " +
    "right now then good morning afternoon evening thanks thank please cheers what who where when why how can could would " +
    "will is are was do did have has had just not only also calling phoning ringing speaking sorry okay ok fine sure really " +
    "still actually basically anyway dear love mate madam sir flat apartment unit number tenant landlord owner manager agent " +
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september " +
    "october november december street road lane avenue close drive way crescent court place gardens terrace grove hill park " +
    "square handy services ignore admin emergency urgent help wrong bye goodbye one two three four five six seven eight nine " +
    "ten my mum dad wife husband son daughter mother father sister brother tenant's lettings estates property management " +
    "london as from at in on for with to of by about after before because if since until while urgently quite very really " +
    "calling ringing phoning gonna going got get been being hang hold listen look see sort something nothing everything " +
    "its im ive theres thats whats"
  ).split(/\s+/),
);

const NAME_WORD = /^(?:[A-Z][a-z]*(?:['’-][A-Z]?[a-z]+)*|Mc[A-Z][a-z]+|Mac[A-Z][a-z]+)$/;

/**
 * A name at the start of `rest`: an optional title and up to three name words (capitalised,
 * or any two non-filler words when the line was written without capitals). Punctuation ends it.
 * @example readName("Emma Clarke from Greenway Lettings", false) // "Emma Clarke"
 */
export function readName(rest: string, lowercase: boolean): string | null {
  const text = rest.replace(/^\s+/, "");
  const next = /^([A-Za-z][A-Za-z'’-]*)(\.?)(\s+|(?=[,;:!?])|$)/;
  const words: string[] = [];
  let titled = false;
  let pos = 0;
  for (;;) {
    const match = next.exec(text.slice(pos));
    if (!match) break;
    const [whole, word, dot, space] = match as unknown as [string, string, string, string];
    const lower = word.toLowerCase();
    if (words.length === 0 && TITLES.has(lower)) {
      titled = true;
      words.push(lower === "miss" ? "Miss" : titleCase(lower));
      pos += whole.length;
      continue;
    }
    if (NOT_NAMES.has(lower)) break;
    if (lowercase ? !/^[a-z][a-z'’-]+$/i.test(word) : !NAME_WORD.test(word)) break;
    words.push(lowercase ? titleCase(word) : word);
    if (words.length - (titled ? 1 : 0) >= (lowercase ? 2 : 3) || dot === "." || space === "") break;
    pos += whole.length;
  }
  return words.length - (titled ? 1 : 0) >= 1 ? words.join(" ") : null;
}

export interface NameFinding {
  name: string;
  confidence: number;
}

const NAME_QUESTION =
  /\b(your name|a name|the name|who am i (speaking|talking) (to|with)|who's calling|who is calling|who's this|who is this|and you are|name please|who have i got)\b/i;
const SURNAME_QUESTION = /\b(surname|last name|second name|family name)\b/i;
/** Written without apostrophes or capitals ("hello its gemma wright"): only at the start of the first turns. */
const LOWER_CUE =
  /^(?:(?:hi|hiya|hello|hey|yeah|oh|um|er|good (?:morning|afternoon|evening))\b[\s,.]*)*(?:its|it's|this is|im|i'm)\s+/i;
/** First person only: "her name's Becky" names the tenant, not the caller. */
const STRONG_CUE = /(?:\bmy name(?:'s| is|s)|\bthe name's|(?:^|[.!?,]\s*)name's)\s+/gi;
const WEAK_CUE = /\b(?:this is|it's|it is|i'm|i am|you're (?:speaking|talking) (?:to|with))\s+/gi;
const NAME_BEFORE = /((?:[A-Z][\w'’-]*\s+){0,2}[A-Z][\w'’-]*)\s+(?:here|speaking)\b/g;
const LEADING_FILLER =
  /^(?:\s*(?:yeah|yes|yep|aye|sorry|oh|um|er|erm|hi|hiya|hello|ok|okay|right|so|well|it's|it is|this is|i'm|i am|my name's|my name is|that's|that'll be|sure|of course)\b[\s,.]*)+/i;
const GREETING =
  /^(?:\s*(?:hi|hiya|hello|hey|morning|good morning|good afternoon|good evening|afternoon|evening|yeah|oh|um|er)\b[\s,.]*)*/i;

/** Three letters in a row, the least a spelled word has. */
const SPELLING = /\b[A-Za-z]\b[\s,-]+(?:double\s+)?\b[A-Za-z]\b[\s,-]+(?:double\s+)?\b[A-Za-z]\b/i;

interface Candidate {
  name: string;
  score: number;
  order: number;
}

/** Staff introduce themselves ("Tom speaking", "this is Priya"); those names are not the caller's. */
function staffNames(staff: string): Set<string> {
  const names = new Set<string>();
  for (const m of staff.matchAll(/\b(?:this is|it's|through to|speaking to|my name is|i'm)\s+([A-Z][a-z]+)/gi))
    names.add(m[1]!.toLowerCase());
  for (const m of staff.matchAll(/\b([A-Z][a-z]+)\s+speaking\b/g)) names.add(m[1]!.toLowerCase());
  return names;
}

/** "Lucy, Lucy Brennan", "Mrs Davies. Carol Davies", "Tom as well, Tom Pike": a fuller form said straight after wins. */
function fuller(name: string, after: string): string {
  const next = /^(?:\s*[,.]?|[^.!?\n]{0,20}?[,.])\s*((?:[A-Z][\w'’-]*\s+){1,2}[A-Z][\w'’-]*)/.exec(after);
  if (!next) return name;
  const longer = readName(next[1]!, false);
  if (!longer) return name;
  const own = name
    .toLowerCase()
    .split(" ")
    .filter((w) => !TITLES.has(w));
  const theirs = longer.toLowerCase().split(" ");
  return theirs.length > own.length && own.some((w) => theirs.includes(w)) ? longer : name;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** A spelling the caller gave overrides how the transcriber wrote the word ("Smith, S M Y T H" → "Smyth"). */
function applySpelling(name: string, spelled: string[]): { name: string; confirmed: boolean } {
  let confirmed = false;
  const words = name.split(" ").map((word) => {
    if (TITLES.has(word.toLowerCase())) return word;
    const upper = word.toUpperCase().replace(/[^A-Z]/g, "");
    if (spelled.includes(upper)) {
      confirmed = true;
      return word;
    }
    const close = spelled.find(
      (s) => s[0] === upper[0] && Math.abs(s.length - upper.length) <= 2 && editDistance(s, upper) <= 2,
    );
    if (!close) return word;
    confirmed = true;
    return titleCase(close);
  });
  return { name: words.join(" "), confirmed };
}

interface TurnNames {
  candidates: Candidate[];
  surname: string | null;
}

/** The names one caller turn gives, by how plainly; `early` is for the first two turns. */
function namesInTurn(text: string, question: string | null, early: boolean): TurnNames {
  const candidates: Candidate[] = [];
  let surname: string | null = null;
  const add = (name: string | null, score: number, order: number) => {
    if (name) candidates.push({ name, score, order });
  };
  const lowercase = isLowercase(text);
  const lower = text.toLowerCase();
  if (lower.includes("name"))
    for (const m of text.matchAll(STRONG_CUE)) {
      const at = m.index + m[0].length;
      const name = readName(text.slice(at), lowercase);
      if (name) add(fuller(name, text.slice(at + name.length)), 0.9, m.index);
    }
  if (!lowercase) {
    if (/\b(it's|it is|this is|i'm|i am|you're)\b/.test(lower))
      for (const m of text.matchAll(WEAK_CUE)) {
        const at = m.index + m[0].length;
        const name = readName(text.slice(at), false);
        if (name) add(fuller(name, text.slice(text.indexOf(name, at) + name.length)), early ? 0.75 : 0.6, m.index);
      }
    if (/\b(here|speaking)\b/i.test(text)) {
      for (const m of text.matchAll(NAME_BEFORE)) {
        const words = m[1]!.split(/\s+/);
        while (words.length && NOT_NAMES.has(words[0]!.toLowerCase())) words.shift();
        const name = words.length ? readName(words.join(" "), false) : null;
        if (name) add(fuller(name, text.slice(m.index + m[0].length)), early ? 0.75 : 0.6, m.index);
      }
    }
    if (early) {
      // "Hi, Sam Okoro from Northpoint Lettings." / "Good afternoon. Hannah Price. I've got…"
      const opening = text.slice(GREETING.exec(text)![0].length);
      const name = readName(opening, false);
      if (name && name.split(" ").length >= 2) {
        const rest = opening.slice(opening.indexOf(name) + name.length);
        if (/^\s*(from|at|here|speaking|calling)\b/i.test(rest)) add(name, 0.7, 0);
      }
      for (const sentence of text.split(/(?<=[.!?])\s+/)) {
        const bare = /^((?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?[A-Z][\w'’-]*(\s+[A-Z][\w'’-]*){0,2}[.!]?$/.exec(sentence.trim());
        if (!bare) continue;
        const name = readName(sentence, false);
        if (name && name.includes(" ") && name.length >= sentence.trim().replace(/[.!]$/, "").length - 1)
          add(name, 0.7, 1);
      }
    }
  }
  if (lowercase && early) {
    const cue = LOWER_CUE.exec(text);
    const name = cue ? readName(text.slice(cue[0].length), true) : null;
    // "its leaking everywhere" is not a name.
    if (name && !name.split(" ").some((w) => /(ing|ed|ly)$/i.test(w))) add(name, 0.55, 0);
  }
  if (question && SURNAME_QUESTION.test(question) && !NAME_QUESTION.test(question)) {
    surname = readName(text.replace(LEADING_FILLER, ""), lowercase);
  } else if (question && NAME_QUESTION.test(question)) {
    const answer = text.replace(LEADING_FILLER, "");
    const name = readName(answer, lowercase);
    if (name) add(fuller(name, answer.slice(answer.indexOf(name) + name.length)), 0.85, -1);
  }
  return { candidates, surname };
}

/**
 * The caller's name, from what the caller said: "my name is…", "it's … from …", "this is…",
 * "… speaking", an answer to "can I take your name?", or a name said on its own at the start.
 * Staff's own names ("Tom speaking") are not taken for the caller's.
 */
export function findName(call: CallText): NameFinding | null {
  const staff = call.memo.get(call.staff, "staff-names", () => staffNames(call.staff));
  const candidates: Candidate[] = [];
  const surnames: string[] = [];
  call.callerTurns.forEach((turn, t) => {
    const early = t < 2;
    const found = call.memo.get(turn.text, `names\u0000${early}\u0000${turn.question ?? ""}`, () =>
      namesInTurn(turn.text, turn.question, early),
    );
    for (const candidate of found.candidates) {
      const words = candidate.name.split(" ").filter((w) => !TITLES.has(w.toLowerCase()));
      if (words.length === 1 && staff.has(words[0]!.toLowerCase()) && !/^(mr|mrs|ms|miss|dr)\b/i.test(candidate.name))
        continue;
      candidates.push({ ...candidate, order: t * 1000 + candidate.order });
    }
    if (found.surname) surnames.push(found.surname);
  });

  // "Sandra speaking" … "And your surname?" "Whitaker."
  if (candidates.length === 0) return surnames[0] ? { name: surnames[0], confidence: 0.6 } : null;
  candidates.sort((a, b) => b.score - a.score || a.order - b.order);
  let best = candidates[0]!;
  const surname = surnames.at(-1);
  if (surname && !surname.includes(" ") && best.name.split(" ").length === 1 && best.name !== surname) {
    best = { ...best, name: `${best.name} ${surname}` };
  }
  const spelled = applySpelling(
    best.name,
    call.callerTurns
      .filter((turn) => SPELLING.test(turn.text))
      .flatMap((turn) =>
        call.memo.get(turn.text, "spelled", () => spelledWords(turn.text, postcodesIn(call, turn.text))),
      ),
  );
  return { name: spelled.name, confidence: spelled.confirmed ? Math.max(best.score, 0.9) : best.score };
}
