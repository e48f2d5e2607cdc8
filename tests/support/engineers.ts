/** An engineer account for the scheduling tests through the app. */
import { DEFAULT_WORKING_WEEK } from "../../src/domain/scheduling/engineers.ts";
import type { NewEngineer } from "../../src/ports/scheduling.ts";

/** Alice Pipe, a plumber who works the default week from LS6 2QR and cannot log in ("x" is no hash). */
export const alicePipe = (fields: Partial<NewEngineer> = {}): NewEngineer => ({
  email: "alice@e.example",
  name: "Alice Pipe",
  passwordHash: "x",
  trades: ["plumbing"],
  homePostcode: "LS6 2QR",
  hours: DEFAULT_WORKING_WEEK,
  ...fields,
});
