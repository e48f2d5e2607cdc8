/**
 * A job's title from what the caller said: the problem in a few words ("Burst pipe, water through
 * ceiling"), not their whole sentence, since the title goes on the customer's quote.
 */

/** The longest title: it fits a quote's heading and a phone-width list row. */
export const TITLE_MAX = 60;

/**
 * Problems as callers describe them, and how a job title names them, the cause before its effects
 * (a burst pipe before the water through the ceiling): the first two distinct ones found make the
 * title. `$1` etc. carry a matched word across (the room, the fitting).
 */
const PROBLEMS: readonly (readonly [RegExp, string])[] = [
  [/\bburst(?:ing)? (?:water )?pipe\b|\bpipe(?:'s| has| is)? (?:just )?burst\b/, "burst pipe"],
  [/\bsmell(?:s|ing)? (?:of |like )?gas\b|\bgas (?:smell|leak)\b/, "gas smell"],
  [/\bcarbon monoxide\b/, "carbon monoxide alarm"],
  [/\b(?:tiles|slates?)\b.{0,30}\b(?:off|slipped|missing)\b|\boff the roof\b/, "roof tiles off"],
  [
    /\bwater(?:'s| is)? (?:is |was )?(?:pouring|coming|leaking|dripping|running)(?: down)? (?:in )?(?:through|into|out of|from) (?:the )?(?:actual )?(?:\w+ )?(ceiling|light fitting|loft|wall)\b/,
    "water through $1",
  ],
  [
    /\bwater(?:'s| is)? (?:is )?(?:pouring|coming|leaking|dripping|running) (?:out of|from) (?:the |my |our )?(?:actual )?(?:\w+ )?(light fitting|light)\b/,
    "water from light fitting",
  ],
  [/\bboiler(?:'s| is)? (?:is )?leaking\b/, "boiler leaking"],
  [/\bboiler(?:'s| has| is)? (?:keeps )?losing pressure\b/, "boiler losing pressure"],
  [
    /\bboiler(?:'s| has| is)? (?:just )?(?:stopped|packed in|gone out|gone|broken|broke|not working)\b/,
    "boiler not working",
  ],
  [/\bno (?:heating|heat)\b|\bheating(?:'s| has| is)? (?:stopped|failed|not)\b/, "no heating"],
  [/\bimmersion\b/, "immersion heater not working"],
  [/\bsewage\b/, "sewage coming up"],
  [/\bkey(?:'s| has)? snapped\b/, "key snapped in lock"],
  [/\bsockets?\b.{0,30}\b(?:dead|no power|not working)\b/, "sockets not working"],
  [/\bwallpaper\b.{0,20}\bpeeling\b/, "wallpaper peeling"],
  [/\broof(?:'s| is)? leaking\b/, "roof leak"],
  [/\bno hot water\b/, "no hot water"],
  [/\bsocket\b.{0,40}\bspark|\bspark\w*\b.{0,40}\bsocket\b/, "sparking socket"],
  [/\bburning smell\b|\bsmell(?:s)? of burning\b/, "burning smell"],
  [/\blocked (?:myself |ourselves |themselves |him |her )?out\b/, "locked out"],
  [/\blost (?:all )?(?:my |their |his |her |the )?keys\b/, "lost keys"],
  [/\blocks? changed\b|\bchange the locks?\b/, "locks changed"],
  [/\bburgl\w+/, "break-in"],
  [/\bsmashed the lock\b|\block\b.{0,20}\bbroken\b/, "broken lock"],
  [
    /\b(drain|toilets?|sink|gully)\b.{0,50}\b(?:blocked|backed up|overflowing)\b|\bblocked (drain|toilet|sink)\b/,
    "blocked $1$2",
  ],
  [
    /\bleak\w* under (?:the |my )?(?:\w+ )?(sink|bath|shower tray|shower)\b|\bunder the (shower tray|sink)\b/,
    "leak under $1$2",
  ],
  [/\btaps?\b.{0,50}\b(?:dripping|drips)\b|\bdripping tap\b/, "dripping tap"],
  [/\btoilet won't stop running\b|\btoilet(?:'s)? (?:keeps )?running\b/, "toilet running"],
  [/\bbath(?:'s| is)? leaking\b/, "bath leaking"],
  [/\bspraying water\b/, "pipe spraying water"],
  [/\btrip(?:s|ping)?\b|\btrip switch\b/, "electrics tripping"],
  [/\bextractor (fan|hood)\b/, "extractor $1 not working"],
  [/\belectric shower\b/, "electric shower not working"],
  [/\bflicker\w*/, "flickering lights"],
  [/\blight fitting\b.{0,30}\bhanging\b/, "light fitting hanging down"],
  [/\broof leak\w*|\bleak\w* roof\b/, "roof leak"],
  [/\bgutter\w*/, "guttering"],
  [/\bdamp patch\b/, "damp patch"],
  [/\bwater stain\b/, "water stain on ceiling"],
  [/\bmould\b/, "mould"],
  [/\bradiators?\b.{0,30}\b(?:not|isn't|aren't|cold)\b/, "radiator not heating"],
  [/\bmisted\b/, "misted double glazing"],
  [
    /\b(?:windows?|panes?)\b.{0,40}\b(?:crack\w*|smashed|broken)\b|\b(?:crack\w*|smashed|broken) (?:window|pane)\b/,
    "broken window",
  ],
  [/\bbrick through\b/, "broken window"],
  [/\bfence\b.{0,50}\b(?:down|blown)\b/, "fence down"],
  [/\bbanister\b/, "loose banister"],
  [/\bcupboard doors?\b/, "cupboard doors off"],
  [/\bdoor(?:'s| is)? (?:swollen|sticking|stuck)\b/, "sticking door"],
  [/\bshel(?:f|ves)\b/, "shelves put up"],
  [/\brepaint\w*|\bredecorat\w*/, "repainting"],
];

/** Clauses that set the scene rather than say the problem: greetings, names, who they are. */
const PREAMBLE =
  /^(?:(?:hi|hello|good (?:morning|afternoon|evening)|thank god|thanks|no|yes|yeah|it's [a-z]+ [a-z]+|my name|i'm [a-z]+ [a-z]+$|i was (?:just )?wondering|we bought|i've got a (?:little )?(?:flat|house)|we rent|i rent)\b|.*\b(?:let out|i let|rent out|my name is)\b)/i;

/** Words a caller opens a sentence with that a title does without. */
const LEAD_IN =
  /^(?:(?:hi|hello|yeah|so|and|um|er|erm|oh|well|right|basically|i'm calling about|i need someone to (?:look at|fix)|i've got|we've got|there's|there is|i think|my|our|the|a|an)\b[\s,]*)+/i;

const capitalise = (text: string) => (text ? text[0]!.toUpperCase() + text.slice(1) : text);

/** Cuts at a word boundary, no ellipsis: a title reads as a heading, not a quotation. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1);
  const space = cut.lastIndexOf(" ");
  return cut.slice(0, space > 0 ? space : max).replace(/[\s,;:-]+$/, "");
}

/**
/** The problems a text names, as titles name them, most telling first. */
function problemsIn(said: string): string[] {
  const text = said.toLowerCase().replace(/[‘’]/g, "'").replace(/\s+/g, " ");
  const found: string[] = [];
  for (const [pattern, label] of PROBLEMS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const named = label
      .replace(/\$(\d)/g, (_, n: string) => match[Number(n)] ?? "")
      .replace(/\s+/g, " ")
      .trim();
    if (!found.includes(named)) found.push(named);
  }
  return found;
}

/**
 * A short title for the job the caller describes: the problems named in `described` (the
 * caller's sentence that says most about the job), else in `context` (all they said), at most
 * two; else that sentence's first clause. At most `TITLE_MAX` characters; null when there is
 * nothing to go on.
 *
 * @example jobTitle("There's water pouring through the ceiling from a burst pipe") // "Burst pipe, water through ceiling"
 * @example jobTitle("The kitchen tap is dripping") // "Dripping tap"
 */
export function jobTitle(described: string, context = ""): string | null {
  const problems = problemsIn(described);
  const named = problems.length > 0 ? problems : problemsIn(context);
  if (named.length > 0) return clip(capitalise(named.slice(0, 2).join(", ")), TITLE_MAX);
  const clauses = described
    // The site has its own fields: "at 12 Baker Street NW1 6XE" says nothing of the job.
    .replace(/\s(?:at|in) \d+\w? [^,.;]*?[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b/g, "")
    .split(/[.;!?]|,\s|\s(?:and|but|so|because)\s/i)
    .map((part) => part.trim())
    .filter((part) => part.split(" ").length >= 2);
  const clause = (clauses.find((part) => !PREAMBLE.test(part)) ?? clauses[0] ?? "").replace(LEAD_IN, "").trim();
  return clause === "" ? null : clip(capitalise(clause), TITLE_MAX);
}
