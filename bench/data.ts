/**
 * Bench data: leads, calls and issues made inside the database with generate_series, so
 * 50,000 leads and 200,000 calls load in seconds on PGlite and PostgreSQL alike.
 *
 * The rows are deterministic (a hash of the row number picks every value), so both databases
 * and every run hold the same data: realistic British names, E.164 numbers (mobiles, London,
 * Manchester, Birmingham, Leeds, Bristol, Cardiff, Glasgow), postcodes, a few letting agents
 * and firms, and calls spread over the last 90 days in working hours with real statuses.
 */
import { sql, type SQL } from "drizzle-orm";
import { formatPhone } from "../src/domain/phone.ts";
import type { Database, OpenDatabase } from "../src/adapters/db/open.ts";

const FIRST = [
  "Oliver",
  "George",
  "Harry",
  "Jack",
  "Jacob",
  "Noah",
  "Charlie",
  "Muhammad",
  "Thomas",
  "Oscar",
  "William",
  "James",
  "Leo",
  "Alfie",
  "Henry",
  "Joshua",
  "Freddie",
  "Archie",
  "Ethan",
  "Isaac",
  "Olivia",
  "Amelia",
  "Isla",
  "Ava",
  "Emily",
  "Sophia",
  "Grace",
  "Mia",
  "Poppy",
  "Ella",
  "Lily",
  "Evie",
  "Isabella",
  "Sophie",
  "Jessica",
  "Chloe",
  "Ruby",
  "Daisy",
  "Freya",
  "Alice",
  "Sarah",
  "David",
  "Michael",
  "Paul",
  "Mark",
  "Susan",
  "Karen",
  "Helen",
  "Priya",
  "Aisha",
  "Fatima",
  "Rajesh",
  "Sanjay",
  "Chidi",
  "Ngozi",
  "Kwame",
  "Agnieszka",
  "Piotr",
  "Siobhan",
  "Ciaran",
  "Rhys",
  "Gareth",
  "Bethan",
  "Callum",
  "Eilidh",
  "Fraser",
  "Niamh",
  "Declan",
  "Yusuf",
  "Zainab",
];
const LAST = [
  "Smith",
  "Jones",
  "Taylor",
  "Brown",
  "Williams",
  "Wilson",
  "Johnson",
  "Davies",
  "Robinson",
  "Wright",
  "Thompson",
  "Evans",
  "Walker",
  "White",
  "Roberts",
  "Green",
  "Hall",
  "Wood",
  "Jackson",
  "Clarke",
  "Patel",
  "Khan",
  "Lewis",
  "James",
  "Phillips",
  "Mason",
  "Mitchell",
  "Rose",
  "Davis",
  "Rodriguez",
  "Cox",
  "Alexander",
  "Morgan",
  "Moore",
  "Mills",
  "King",
  "Hughes",
  "Edwards",
  "Hill",
  "Harris",
  "Martin",
  "Cooper",
  "Ward",
  "Turner",
  "Parker",
  "Shah",
  "Begum",
  "Hussain",
  "Ali",
  "Ahmed",
  "Okafor",
  "Mensah",
  "Nowak",
  "Kowalski",
  "O'Brien",
  "Murphy",
  "Kelly",
  "MacDonald",
  "Campbell",
  "Stewart",
  "Fletcher",
  "Pemberton",
  "Ashworth",
  "Whitfield",
  "Chandler",
  "Barker",
  "Holloway",
  "Lindqvist",
  "Fernandes",
  "Costa",
];
const FIRMS = [
  "Foxley Lettings",
  "Hamlin & Reed Estates",
  "Northgate Property Management",
  "Greenway Homes",
  "Cityside Lettings",
  "Bridgewater Housing Association",
  "Kingsmead Estates",
  "Oakfield Properties",
  "Thameside Facilities",
  "Harbour Lettings",
  "Castle Property Services",
  "Riverside Dental Practice",
  "The Crown & Anchor",
  "St Mary's Primary School",
  "Parkview Care Home",
  "Beacon Coffee Ltd",
];
const STREETS = [
  "High Street",
  "Station Road",
  "Church Lane",
  "Victoria Road",
  "Albert Road",
  "Queens Road",
  "Park Avenue",
  "Mill Lane",
  "Manor Road",
  "Green Lane",
  "Kings Road",
  "Grange Road",
  "The Crescent",
  "York Road",
  "Rye Lane",
  "Holloway Road",
  "Stockport Road",
  "Soho Road",
  "Kirkstall Road",
  "Gloucester Road",
  "Cowbridge Road East",
];
/** Outward codes from the cities the company works in. */
const OUTWARD = [
  "SE15",
  "SE5",
  "SE22",
  "SW9",
  "SW11",
  "SW2",
  "E8",
  "E17",
  "E1",
  "N16",
  "N7",
  "N1",
  "NW1",
  "NW6",
  "W12",
  "W3",
  "CR0",
  "BR1",
  "M14",
  "M20",
  "M1",
  "M13",
  "B29",
  "B12",
  "B5",
  "LS6",
  "LS11",
  "BS5",
  "BS3",
  "CF24",
  "CF11",
  "G12",
  "G41",
  "EH6",
];
const NOTES = [
  "Tenant reports damp in the back bedroom.",
  "Boiler losing pressure; landlord prefers mornings.",
  "Wants a quote for repainting the hallway.",
  "Leaking kitchen tap, not urgent.",
  "Key safe by the side door; code on file.",
  "Dog in the house: call before arriving.",
  "Managing agent for several flats on this road.",
];
const SUMMARIES = [
  "Caller reports a leaking radiator valve in the lounge; wants a visit this week.",
  "Boiler showing F28 and no hot water since this morning.",
  "Landlord asking for a quote to replace two sash windows.",
  "Tenant locked out; keys left inside.",
  "Blocked outside drain, water backing up into the yard.",
  "Asked about a gas safety certificate before the new tenancy.",
  "Storm damage: slipped roof tiles over the back bedroom.",
  "Follow-up on last week's quote; happy to go ahead.",
  "Ceiling light flickering and the trip switch keeps going.",
];
const EMERGENCY_SUMMARIES = [
  "Water pouring through the kitchen ceiling from the flat above.",
  "Smell of gas in the hallway; caller told to leave and ring the gas emergency line.",
  "Sparking socket in a child's bedroom.",
];

const arr = (values: readonly string[]) =>
  sql.raw(`ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]::text[]`);
/** A non-negative pseudo-random integer from the row number and a salt. */
const h = (salt: number) => sql.raw(`(hashint8(g.i * 31 + ${salt}) & 2147483647)`);
/** Pick from a SQL array by hash. */
const pick = (values: readonly string[], salt: number) => sql`(${arr(values)})[1 + ${h(salt)} % ${values.length}]`;

/** The company's own number (Ofcom's London drama range). */
export const COMPANY_NUMBER = "+442079460018";

/** Rows go in oldest first, as a live system appends them, so the table's physical order is realistic. */
async function insertLeads(db: Database, from: number, to: number, total: number) {
  await db.execute(sql`
    INSERT INTO leads (name, organisation, phone, email, address, postcode, segment, source, status, notes, created_at, updated_at)
    SELECT
      CASE WHEN firm AND ${h(1)} % 2 = 0 THEN NULL ELSE first || ' ' || last END,
      CASE WHEN firm THEN ${pick(FIRMS, 2)} END,
      CASE WHEN ${h(3)} % 100 < 88 THEN
        CASE WHEN ${h(4)} % 100 < 72 THEN '+447' || (ARRAY['4','5','7','8','9'])[1 + ${h(5)} % 5] || lpad(((g.i * 7919 + 104729) % 100000000)::text, 8, '0')
             ELSE (ARRAY['+44207','+44208','+44203','+44161','+44121','+44113','+44117','+44292','+44141'])[1 + ${h(6)} % 9]
                  || lpad(((g.i * 7919 + 7) % 10000000)::text, 7, '0')
        END
      END,
      CASE WHEN ${h(7)} % 100 < 45 THEN lower(replace(first, '''', '')) || '.' || lower(replace(last, '''', '')) || (g.i % 97) || '@'
        || (ARRAY['gmail.com','outlook.com','btinternet.com','yahoo.co.uk','hotmail.co.uk','icloud.com'])[1 + ${h(8)} % 6] END,
      CASE WHEN ${h(9)} % 100 < 80 THEN (1 + ${h(10)} % 180) || ' ' || ${pick(STREETS, 11)} END,
      CASE WHEN ${h(12)} % 100 < 90 THEN ${pick(OUTWARD, 13)} || ' ' || (${h(14)} % 10)
        || substr('ABDEFGHJLNPQRSTUWXYZ', 1 + ${h(15)} % 20, 1) || substr('ABDEFGHJLNPQRSTUWXYZ', 1 + ${h(16)} % 20, 1) END,
      CASE WHEN firm THEN (ARRAY['letting_agent','letting_agent','commercial'])[1 + ${h(17)} % 3]
           ELSE (ARRAY['tenant','tenant','tenant','tenant','landlord','landlord','homeowner','homeowner','homeowner','unknown'])[1 + ${h(18)} % 10] END,
      (ARRAY['phone','phone','phone','phone','phone','whatsapp','whatsapp','sms','web','manual'])[1 + ${h(19)} % 10],
      (ARRAY['new','new','new','new','qualified','qualified','quoted','quoted','won','lost'])[1 + ${h(20)} % 10],
      CASE WHEN ${h(21)} % 100 < 20 THEN ${pick(NOTES, 22)} END,
      created, created + (${h(23)} % 86400) * interval '1 second'
    FROM (
      SELECT i, ${pick(FIRST, 24)} AS first, ${pick(LAST, 25)} AS last, ${h(26)} % 100 < 8 AS firm,
        now() - ((${total}::int - g.i) * (730.0 * 86400 / ${total}::int) + ${h(27)} % 600) * interval '1 second' AS created
      FROM generate_series(${from}::int, ${to}::int) AS g(i)
    ) AS g
    ORDER BY created
  `);
}

async function insertCalls(db: Database, from: number, to: number, total: number) {
  await db.execute(sql`
    WITH numbered AS MATERIALIZED (
      SELECT id, phone, row_number() OVER (ORDER BY created_at, id) AS rn FROM leads WHERE phone IS NOT NULL
    ), total AS (SELECT count(*) AS n FROM numbered),
    raw AS (
      SELECT i,
        date_trunc('day', now()) - floor((${total}::int - g.i) * 90.0 / ${total}::int) * interval '1 day'
          + interval '7 hours' + (${h(32)} % 46800) * interval '1 second' AS planned,
        (ARRAY['completed','completed','completed','completed','completed','completed','completed','completed','completed','completed',
               'completed','completed','completed','completed','no-answer','no-answer','busy','failed','canceled','completed'])[1 + ${h(33)} % 20] AS status,
        ${h(34)} % 100 < 88 AS inbound,
        ${h(35)} % 100 < 5 AS unknown_caller,
        ${h(36)} % 1000 < 15 AS emergency,
        30 + (${h(37)} % 40) * (${h(38)} % 25) AS duration,
        1 + ${h(39)} AS pick
      FROM generate_series(${from}::int, ${to}::int) AS g(i)
    ), g AS (
      -- today's calls that would fall later than now happened just before now instead
      SELECT *, CASE WHEN planned > now() THEN now() - (1 + i % 300) * interval '1 minute' ELSE planned END AS started FROM raw
    )
    INSERT INTO calls (provider_call_id, direction, from_number, to_number, lead_id, status, started_at, answered_at, ended_at,
                       duration_seconds, recording_key, transcriber, summary, emergency, created_at, updated_at)
    SELECT
      'CA' || md5('bench-call-' || g.i),
      CASE WHEN g.inbound THEN 'inbound' ELSE 'outbound' END,
      CASE WHEN g.unknown_caller THEN '+447700900' || lpad((g.i % 1000)::text, 3, '0') WHEN g.inbound THEN l.phone ELSE ${COMPANY_NUMBER} END,
      CASE WHEN g.inbound THEN ${COMPANY_NUMBER} WHEN g.unknown_caller THEN '+447700900' || lpad((g.i % 1000)::text, 3, '0') ELSE l.phone END,
      CASE WHEN g.unknown_caller THEN NULL ELSE l.id END,
      g.status,
      g.started,
      CASE WHEN g.status = 'completed' THEN g.started + (3 + g.i % 20) * interval '1 second' END,
      CASE WHEN g.status = 'completed' THEN g.started + (3 + g.i % 20 + g.duration) * interval '1 second'
           ELSE g.started + (5 + g.i % 40) * interval '1 second' END,
      CASE WHEN g.status = 'completed' THEN g.duration END,
      CASE WHEN g.status = 'completed' THEN 'recordings/' || 'CA' || md5('bench-call-' || g.i) || '.wav' END,
      CASE WHEN g.status = 'completed' THEN (ARRAY['wisprflow','wisprflow','wisprflow','wisprflow','wisprflow','wisprflow','wisprflow','wisprflow','wisprflow→deepgram','deepgram'])[1 + g.i % 10] END,
      CASE WHEN g.status <> 'completed' THEN NULL
           WHEN g.emergency THEN ${pick(EMERGENCY_SUMMARIES, 40)}
           WHEN g.i % 10 < 6 THEN ${pick(SUMMARIES, 41)} END,
      g.status = 'completed' AND g.emergency,
      g.started, g.started + interval '10 minutes'
    FROM g CROSS JOIN total JOIN numbered AS l ON l.rn = 1 + g.pick % total.n
    ORDER BY g.started
  `);
}

/** A board's worth of issues (mostly finished), so the dashboard's issue panels have work to do. */
async function insertIssues(db: Database, howMany: number) {
  await db.execute(sql`
    WITH numbered AS MATERIALIZED (SELECT id, address, postcode, row_number() OVER (ORDER BY created_at, id) AS rn FROM leads),
    total AS (SELECT count(*) AS n FROM numbered)
    INSERT INTO issues (lead_id, title, category, urgency, address, postcode, status, created_at, updated_at)
    SELECT l.id,
      (ARRAY['Leaking radiator valve','No hot water','Replace sash windows','Blocked drain','Slipped roof tiles','Repaint hallway',
             'Faulty socket','Lock change','Damp in bedroom','Dripping tap'])[1 + ${h(51)} % 10],
      (ARRAY['heating','heating','glazing','drainage','roofing','decorating','electrical','locksmith','general','plumbing'])[1 + ${h(51)} % 10],
      (ARRAY['routine','routine','routine','routine','routine','routine','urgent','urgent','urgent','emergency'])[1 + ${h(52)} % 10],
      l.address, l.postcode,
      CASE WHEN ${h(53)} % 100 < 8 THEN (ARRAY['open','open','quoted','scheduled','in_progress'])[1 + ${h(57)} % 5]
           WHEN ${h(53)} % 100 < 14 THEN 'cancelled' ELSE 'done' END,
      now() - (${h(54)} % (180 * 86400)) * interval '1 second', now() - (${h(55)} % (10 * 86400)) * interval '1 second'
    FROM generate_series(1, ${howMany}::int) AS g(i) CROSS JOIN total JOIN numbered AS l ON l.rn = 1 + ${h(56)} % total.n
  `);
}

/** Loads the rows in batches (PGlite keeps a whole statement's work in memory), then ANALYZEs. */
export async function loadData(
  db: Database,
  counts: { leads: number; calls: number; issues?: number },
  onProgress: (message: string) => void = () => {},
) {
  const batch = 25_000;
  for (let from = 1; from <= counts.leads; from += batch)
    await insertLeads(db, from, Math.min(counts.leads, from + batch - 1), counts.leads);
  onProgress("leads in");
  for (let from = 1; from <= counts.calls; from += batch * 2)
    await insertCalls(db, from, Math.min(counts.calls, from + batch * 2 - 1), counts.calls);
  onProgress("calls in");
  await insertIssues(db, counts.issues ?? Math.round(counts.leads / 10));
  await db.execute(sql`VACUUM ANALYZE leads`);
  await db.execute(sql`VACUUM ANALYZE calls`);
  await db.execute(sql`VACUUM ANALYZE issues`);
}

type Rows = Record<string, unknown>[];
const rowsOf = (result: unknown): Rows =>
  Array.isArray(result) ? (result as Rows) : ((result as { rows?: Rows }).rows ?? []);

/**
 * What staff search for: surnames common and rare, first names, a firm, postcodes whole and
 * partial, numbers in the forms people read them out, and a few real values from the data.
 */
export async function searchQueries(db: Database): Promise<string[]> {
  const fixed = [
    "smith",
    "patel",
    "okafor",
    "sarah",
    "pemberton",
    "o'brien",
    "lettings",
    "SE15",
    "nw1 6",
    "M14",
    "07700 900",
    "0161",
    "020 8",
    "khan",
  ];
  const sample = rowsOf(
    await db.execute(
      sql`SELECT name, phone, postcode FROM leads WHERE name IS NOT NULL AND phone IS NOT NULL AND postcode IS NOT NULL ORDER BY created_at DESC LIMIT 3 OFFSET 1234`,
    ),
  );
  const fromData = sample.flatMap((row, i) =>
    i === 0 ? [String(row.name)] : i === 1 ? [formatPhone(String(row.phone))] : [String(row.postcode).toLowerCase()],
  );
  return [...fixed, ...fromData];
}

/** Plans are printed for searches whose slowest statement takes longer than this. */
const SHOW_PLAN_OVER_MS = 5;

/** A statement drizzle ran, as text with $n placeholders and its parameters. */
interface Statement {
  query: string;
  params: unknown[];
}

/**
 * Runs `work` with drizzle's query logger pointed at a list, so the bench sees exactly the SQL
 * the repositories send (whatever they change to), without a copy of their query-building code.
 */
async function capture(db: Database, work: () => Promise<unknown>): Promise<Statement[]> {
  const session = (db as unknown as { session: { logger: { logQuery(query: string, params: unknown[]): void } } })
    .session;
  const previous = session.logger;
  const seen: Statement[] = [];
  session.logger = { logQuery: (query, params) => seen.push({ query, params }) };
  try {
    await work();
  } finally {
    session.logger = previous;
  }
  return seen;
}

/** The captured statement behind EXPLAIN, its $n placeholders bound to the same values again. */
function explainOf(statement: Statement): SQL {
  const parts = statement.query.split(/\$(\d+)/);
  const chunks: SQL[] = [sql.raw("EXPLAIN (ANALYZE, BUFFERS) ")];
  parts.forEach((part, i) => chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${statement.params[Number(part) - 1]}`));
  return sql.join(chunks, sql.raw(""));
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of every statement the leads search runs for each query (as the
 * repository runs them: first page of 25), each after one warming run. Returns a short report:
 * per query each statement's execution time, and the plan's top lines where one is slow.
 */
export async function explainSearch(
  repos: OpenDatabase,
  queries: string[],
): Promise<{ report: string; slowest: { query: string; ms: number } }> {
  const lines: string[] = [];
  let slowest = { query: "", ms: 0 };
  for (const query of queries) {
    const statements = await capture(repos.db, () => repos.leads.search({ query, limit: 25, offset: 0 }));
    const timed: { label: string; ms: number; plan: string[] }[] = [];
    for (const statement of statements) {
      const result = rowsOf(await repos.db.execute(explainOf(statement)));
      const plan = result.map((r) => String(Object.values(r)[0]));
      const ms = Number(plan.find((l) => l.startsWith("Execution Time"))?.match(/([\d.]+) ms/)?.[1] ?? Number.NaN);
      const label = /^select count\(/i.test(statement.query)
        ? "count"
        : /offset 0\)/i.test(statement.query)
          ? "rows (fenced)"
          : "rows";
      timed.push({ label, ms, plan });
    }
    const worst = timed.reduce((a, b) => (b.ms > a.ms ? b : a), { label: "", ms: 0, plan: [] as string[] });
    if (worst.ms > slowest.ms) slowest = { query, ms: worst.ms };
    lines.push(`  q=${JSON.stringify(query)}: ${timed.map((t) => `${t.label} ${t.ms.toFixed(2)} ms`).join(", ")}`);
    if (worst.ms < SHOW_PLAN_OVER_MS) continue;
    for (const t of timed) {
      const nodes = t.plan
        .filter((l) => !/^(Planning|Execution|Buffers|Heap Blocks|Index Searches|Sort Method)/.test(l.trim()))
        .slice(0, 9);
      for (const node of nodes) lines.push(`      ${t.label}: ${node.trim().slice(0, 160)}`);
    }
  }
  return { report: lines.join("\n"), slowest };
}
