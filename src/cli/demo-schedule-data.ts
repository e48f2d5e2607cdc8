import type { TradeCategory } from "../domain/issues.ts";

/**
 * The demo's engineers (around Leeds, where one demo customer lives) and the planned maintenance
 * of a letting agent's flats that fills their week. seed-demo books each job through the slot
 * finder and the booking rules, so the week it shows is one the rules allow.
 */
export const DEMO_ENGINEERS: {
  email: string;
  name: string;
  trades: TradeCategory[];
  postcode: string;
  hours: string[];
  /** Ofcom's drama range (07700 900xxx): rings nobody real when the demo's rota routes a call. */
  phone: string;
}[] = [
  {
    email: "tom.haigh@engineers.example",
    name: "Tom Haigh",
    trades: ["plumbing", "heating", "drainage"],
    postcode: "LS6 2QR",
    hours: [],
    phone: "07700 900601",
  },
  {
    email: "aisha.khan@engineers.example",
    name: "Aisha Khan",
    trades: ["electrical"],
    postcode: "LS8 2PF",
    hours: ["07:30-16:00", "sat=09:00-13:00"],
    phone: "07700 900602",
  },
  {
    email: "gareth.lloyd@engineers.example",
    name: "Gareth Lloyd",
    trades: ["carpentry", "locksmith", "general"],
    postcode: "BD18 3AA",
    hours: [],
    phone: "07700 900603",
  },
  {
    email: "nina.kowalski@engineers.example",
    name: "Nina Kowalski",
    trades: ["decorating", "glazing", "roofing", "general"],
    postcode: "WF1 2AB",
    hours: ["09:00-17:30", "mon=off"],
    phone: "07700 900604",
  },
];

export const DEMO_AGENT = {
  name: "Rachel Lister",
  organisation: "Headingley Lettings",
  phone: "+447700900871",
  address: "14 Otley Road, Leeds",
  postcode: "LS6 3AA",
};

/** [title, trade, site, postcode, minutes on site] */
export const DEMO_ROUND: [string, TradeCategory, string, string, number][] = [
  ["Annual boiler service", "heating", "Flat 2, 8 Cardigan Road, Leeds", "LS6 1LF", 60],
  ["Dripping bath tap", "plumbing", "21 Brudenell Grove, Leeds", "LS6 1HR", 60],
  ["Radiator not heating", "heating", "5 Ash Road, Leeds", "LS6 3JF", 90],
  ["Slow kitchen drain", "drainage", "33 Harehills Lane, Leeds", "LS8 4EX", 60],
  ["Replace toilet cistern", "plumbing", "Flat 4, 2 Hyde Park Road, Leeds", "LS6 1AG", 120],
  ["Gas safety check", "heating", "9 Headingley Avenue, Leeds", "LS6 3EP", 60],
  ["Shower pump noisy", "plumbing", "40 Kirkstall Road, Leeds", "LS4 2AQ", 90],
  ["Landlord electrical certificate", "electrical", "12 Chapel Lane, Leeds", "LS6 3BW", 120],
  ["Outside light not working", "electrical", "7 Roundhay Road, Leeds", "LS8 5AN", 60],
  ["Fit smoke alarms", "electrical", "Flat 1, 50 Cardigan Road, Leeds", "LS6 3BJ", 90],
  ["Extractor fan in bathroom", "electrical", "18 Harehills Avenue, Leeds", "LS8 4HS", 90],
  ["Consumer unit trips", "electrical", "3 Victoria Road, Leeds", "LS6 1DR", 60],
  ["Sticking back door", "carpentry", "22 Manningham Lane, Bradford", "BD8 7JF", 60],
  ["Change locks after tenancy", "locksmith", "6 Otley Road, Shipley", "BD18 2AA", 60],
  ["Kitchen cupboard hinges", "carpentry", "11 Ilkley Road, Otley", "LS21 3JP", 60],
  ["Fit curtain poles", "general", "4 Spen Lane, Leeds", "LS16 5EL", 60],
  ["Loose stair banister", "carpentry", "29 Ridge Road, Leeds", "LS7 3LQ", 90],
  ["Shed door lock", "locksmith", "2 Saltaire Road, Shipley", "BD18 3HH", 60],
  ["Repaint hallway", "decorating", "15 Westgate, Wakefield", "WF1 1JY", 240],
  ["Cracked kitchen window", "glazing", "8 Northgate, Wakefield", "WF1 3BJ", 90],
  ["Slipped roof tiles", "roofing", "30 Leeds Road, Wakefield", "WF1 4DS", 180],
  ["Touch up after leak", "decorating", "Flat 3, 9 Cardigan Road, Leeds", "LS6 1LF", 180],
  ["Misted double glazing", "glazing", "19 Bradford Road, Wakefield", "WF1 2AN", 120],
  ["Gutter clearing", "roofing", "6 Dewsbury Road, Wakefield", "WF2 9BX", 120],
];
