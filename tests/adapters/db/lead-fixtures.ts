import type { LeadFields } from "../../../src/domain/leads.ts";
import type { E164 } from "../../../src/domain/phone.ts";

const FIRST = [
  "Sarah",
  "Tom",
  "Priya",
  "James",
  "Olivia",
  "Mohammed",
  "Emily",
  "Jack",
  "Amelia",
  "Harry",
  "Isla",
  "Oliver",
  "Ava",
  "George",
  "Mia",
  "Noah",
  "Grace",
  "Leo",
  "Sophie",
  "Arthur",
  "Chloe",
  "Oscar",
  "Lily",
  "Henry",
  "Zara",
  "Daniel",
  "Ella",
  "Samuel",
  "Ruby",
  "Joseph",
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
  "Patel",
  "Robinson",
  "Wright",
  "Thompson",
  "Evans",
  "Walker",
  "White",
  "Roberts",
  "Green",
  "Hall",
  "Thomas",
  "Clarke",
  "Jackson",
  "Wood",
  "Harris",
  "Edwards",
  "Turner",
  "Martin",
  "Cooper",
  "Hill",
  "Ward",
  "Hughes",
  "Moore",
  "Clark",
  "King",
  "Harrison",
  "Lewis",
  "Baker",
  "Lee",
  "Allen",
  "Morris",
  "Khan",
  "Scott",
  "Watson",
  "Davis",
  "Parker",
  "James",
  "Bennett",
  "Young",
  "Phillips",
  "Richardson",
  "Mitchell",
  "O'Brien",
  "Kelly",
  "Murphy",
  "Ali",
  "Begum",
  "Shah",
  "Singh",
  "Kaur",
  "Chen",
  "Nowak",
];
const ORGS = [
  "Oakwood Lettings",
  "Foxtons",
  "Harbour Property Management",
  "City Estates",
  "Greenfield Homes",
  "Northside Housing Association",
  "Kestrel Facilities",
  "Brick & Mortar Ltd",
  "Riverside Lettings",
  "Crown Estates Services",
];
const OUTWARD = [
  "NW1",
  "NW3",
  "N1",
  "N7",
  "E1",
  "E2",
  "E14",
  "SE1",
  "SE15",
  "SW1A",
  "SW4",
  "SW11",
  "W1",
  "W2",
  "W10",
  "EC1",
  "EC2A",
  "WC1",
  "WC2H",
  "M1",
  "M4",
  "B1",
  "B15",
  "LS1",
  "LS6",
  "BS1",
  "BS8",
  "CF10",
  "G1",
  "EH1",
];
const LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

/** A deterministic pseudo-random stream, so every run loads the same leads. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

/** `count` realistic leads: UK names, some organisations, unique UK mobile numbers, real-looking postcodes. */
export function manyLeads(count: number, seed = 42): (LeadFields & { createdAt: Date })[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const used = new Set<string>();
  const now = Date.parse("2026-11-27T12:00:00Z");
  return Array.from({ length: count }, (_, i) => {
    let phone: string;
    do phone = `+447${String(Math.floor(next() * 1e9)).padStart(9, "0")}`;
    while (used.has(phone));
    used.add(phone);
    const organisation = next() < 0.25 ? pick(ORGS) : null;
    return {
      name: next() < 0.95 ? `${pick(FIRST)} ${pick(LAST)}` : null,
      organisation,
      phone: next() < 0.97 ? (phone as E164) : null,
      email: null,
      address: `${1 + Math.floor(next() * 200)} ${pick(LAST)} Road`,
      postcode:
        next() < 0.9
          ? `${pick(OUTWARD)} ${1 + Math.floor(next() * 9)}${pick([...LETTERS])}${pick([...LETTERS])}`
          : null,
      segment: organisation ? "letting_agent" : "tenant",
      source: "phone",
      status: "new",
      notes: null,
      createdAt: new Date(now - i * 20 * 60_000),
    } as LeadFields & { createdAt: Date };
  });
}

/** What staff type into the leads search box. */
export const SEARCHES = [
  "smith",
  "Sarah",
  "sarah jones",
  "o'brien",
  "Patel",
  "jo",
  "lettings",
  "harbour property",
  "NW1",
  "nw1 6",
  "SW1A 1AA",
  "e14",
  "07700 900123",
  "+44 7911 123456",
  "900123",
  "0791",
  "zzzz",
  "Mohammed Khan",
];
