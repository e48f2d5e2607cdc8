import { parse } from "postcode";

/**
 * Travel time between two sites, estimated from their postcodes. The only postcode data the code
 * holds is the `postcode` package (it parses, it does not locate) and Royal Mail's list of
 * areas, so this table gives each postcode area the rough centre of its main post town
 * (latitude, longitude, 2 decimal places: about a kilometre). Good enough to tell Leeds from
 * Bradford, not one street from the next; a geocoder can replace `distanceKm` later.
 */
const AREA_CENTRES: Record<string, readonly [number, number]> = {
  AB: [57.15, -2.11],
  AL: [51.75, -0.34],
  B: [52.48, -1.9],
  BA: [51.38, -2.36],
  BB: [53.75, -2.48],
  BD: [53.79, -1.75],
  BH: [50.72, -1.88],
  BL: [53.58, -2.43],
  BN: [50.83, -0.14],
  BR: [51.4, 0.02],
  BS: [51.45, -2.59],
  BT: [54.6, -5.93],
  CA: [54.89, -2.93],
  CB: [52.21, 0.12],
  CF: [51.48, -3.18],
  CH: [53.19, -2.89],
  CM: [51.74, 0.47],
  CO: [51.89, 0.9],
  CR: [51.37, -0.1],
  CT: [51.28, 1.08],
  CV: [52.41, -1.51],
  CW: [53.1, -2.44],
  DA: [51.45, 0.22],
  DD: [56.46, -2.97],
  DE: [52.92, -1.48],
  DG: [55.07, -3.61],
  DH: [54.78, -1.57],
  DL: [54.52, -1.55],
  DN: [53.52, -1.13],
  DT: [50.71, -2.44],
  DY: [52.51, -2.09],
  E: [51.53, -0.03],
  EC: [51.52, -0.09],
  EH: [55.95, -3.19],
  EN: [51.65, -0.08],
  EX: [50.72, -3.53],
  FK: [56.0, -3.78],
  FY: [53.82, -3.05],
  G: [55.86, -4.25],
  GL: [51.86, -2.24],
  GU: [51.24, -0.57],
  GY: [49.45, -2.54],
  HA: [51.58, -0.34],
  HD: [53.65, -1.78],
  HG: [53.99, -1.54],
  HP: [51.75, -0.47],
  HR: [52.06, -2.72],
  HS: [58.21, -6.39],
  HU: [53.74, -0.33],
  HX: [53.72, -1.86],
  IG: [51.56, 0.07],
  IM: [54.15, -4.48],
  IP: [52.06, 1.16],
  IV: [57.48, -4.22],
  JE: [49.19, -2.11],
  KA: [55.61, -4.5],
  KT: [51.41, -0.3],
  KW: [58.98, -2.96],
  KY: [56.11, -3.16],
  L: [53.41, -2.98],
  LA: [54.05, -2.8],
  LD: [52.24, -3.38],
  LE: [52.64, -1.13],
  LL: [53.32, -3.83],
  LN: [53.23, -0.54],
  LS: [53.8, -1.55],
  LU: [51.88, -0.42],
  M: [53.48, -2.24],
  ME: [51.39, 0.5],
  MK: [52.04, -0.76],
  ML: [55.79, -3.99],
  N: [51.57, -0.11],
  NE: [54.98, -1.61],
  NG: [52.95, -1.15],
  NN: [52.24, -0.9],
  NP: [51.59, -3.0],
  NR: [52.63, 1.3],
  NW: [51.55, -0.18],
  OL: [53.54, -2.12],
  OX: [51.75, -1.26],
  PA: [55.85, -4.42],
  PE: [52.57, -0.24],
  PH: [56.4, -3.43],
  PL: [50.38, -4.14],
  PO: [50.8, -1.09],
  PR: [53.76, -2.7],
  RG: [51.45, -0.97],
  RH: [51.24, -0.17],
  RM: [51.58, 0.18],
  S: [53.38, -1.47],
  SA: [51.62, -3.94],
  SE: [51.47, -0.05],
  SG: [51.9, -0.2],
  SK: [53.41, -2.15],
  SL: [51.51, -0.59],
  SM: [51.36, -0.19],
  SN: [51.56, -1.78],
  SO: [50.9, -1.4],
  SP: [51.07, -1.79],
  SR: [54.91, -1.38],
  SS: [51.54, 0.71],
  ST: [53.0, -2.18],
  SW: [51.46, -0.17],
  SY: [52.71, -2.75],
  TA: [51.02, -3.1],
  TD: [55.61, -2.81],
  TF: [52.68, -2.45],
  TN: [51.19, 0.27],
  TQ: [50.46, -3.53],
  TR: [50.26, -5.05],
  TS: [54.57, -1.23],
  TW: [51.45, -0.34],
  UB: [51.51, -0.38],
  W: [51.51, -0.2],
  WA: [53.39, -2.59],
  WC: [51.52, -0.12],
  WD: [51.66, -0.4],
  WF: [53.68, -1.5],
  WN: [53.55, -2.63],
  WR: [52.19, -2.22],
  WS: [52.59, -1.98],
  WV: [52.59, -2.13],
  YO: [53.96, -1.08],
  ZE: [60.15, -1.15],
};

/** Average door-to-door speed of a van in and between towns, km/h. */
export const AVERAGE_SPEED_KMH = 30;
/** Roads are longer than the straight line between two points: a common rule of thumb. */
export const ROAD_FACTOR = 1.3;
/** Parking, unloading and walking to the door, whatever the distance. */
export const FIXED_TRAVEL_MINUTES = 10;
/** Straight-line guesses within one area, where the table cannot tell places apart. */
const SAME_DISTRICT_KM = 2;
const SAME_AREA_KM = 6;
/** When a postcode is missing or not in the table: assume a long-ish town journey. */
export const UNKNOWN_TRAVEL_MINUTES = 45;

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance between two points, km. */
function haversineKm([lat1, lon1]: readonly [number, number], [lat2, lon2]: readonly [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
}

interface Place {
  postcode: string;
  outcode: string;
  area: string;
}

const parsedPlaces = new Map<string, Place | null>();

function place(postcode: string | null): Place | null {
  if (!postcode) return null;
  const cached = parsedPlaces.get(postcode);
  if (cached !== undefined) return cached;
  const parsed = parse(postcode);
  const found =
    parsed.valid && parsed.area && AREA_CENTRES[parsed.area]
      ? { postcode: parsed.postcode, outcode: parsed.outcode, area: parsed.area }
      : null;
  parsedPlaces.set(postcode, found);
  return found;
}

/** Straight-line distance between two postcodes, km, or null when either is unknown. */
export function distanceKm(from: string | null, to: string | null): number | null {
  const a = place(from);
  const b = place(to);
  if (!a || !b) return null;
  if (a.postcode === b.postcode) return 0;
  if (a.outcode === b.outcode) return SAME_DISTRICT_KM;
  if (a.area === b.area) return SAME_AREA_KM;
  return haversineKm(AREA_CENTRES[a.area]!, AREA_CENTRES[b.area]!);
}

/**
 * Minutes to allow between leaving one site and starting at the next, rounded up to 5:
 * FIXED_TRAVEL_MINUTES + straight-line km × ROAD_FACTOR at AVERAGE_SPEED_KMH.
 * @example travelMinutes("LS6 2QR", "LS6 1AA") // 20 (same district: 2 km)
 */
export function travelMinutes(from: string | null, to: string | null): number {
  const km = distanceKm(from, to);
  if (km === null) return UNKNOWN_TRAVEL_MINUTES;
  const minutes = FIXED_TRAVEL_MINUTES + ((km * ROAD_FACTOR) / AVERAGE_SPEED_KMH) * 60;
  return Math.ceil(minutes / 5) * 5;
}
