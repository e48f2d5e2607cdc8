import type { AppointmentStatus, Visit } from "../../../src/domain/scheduling/appointments.ts";
import { DEFAULT_WORKING_WEEK, type Engineer } from "../../../src/domain/scheduling/engineers.ts";

/** An engineer who works Monday to Friday, 08:00–17:00, from Leeds 6. */
export const anEngineer = (overrides: Partial<Engineer> = {}): Engineer => ({
  userId: "eng-alice",
  name: "Alice Pipe",
  email: "alice@example.co.uk",
  trades: ["plumbing"],
  homePostcode: "LS6 2QR",
  hours: DEFAULT_WORKING_WEEK,
  phone: null,
  ...overrides,
});

/** Working 08:00–17:00 every day, weekends included, for the clock-change Sundays. */
export const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6].map(() => ({ start: 8 * 60, end: 17 * 60 }));

let visitIds = 0;
export const aVisit = (
  startsAt: string,
  endsAt: string,
  overrides: Partial<Visit> & { status?: AppointmentStatus } = {},
): Visit => ({
  id: `visit-${++visitIds}`,
  engineerId: "eng-alice",
  startsAt: new Date(startsAt),
  endsAt: new Date(endsAt),
  status: "booked",
  postcode: "LS6 2QR",
  ...overrides,
});
