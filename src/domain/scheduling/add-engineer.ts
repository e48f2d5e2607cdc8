import type { Passwords } from "../../ports/passwords.ts";
import type { Engineers } from "../../ports/scheduling.ts";
import type { StaffUsers } from "../../ports/staff.ts";
import { ok, reject, type Result } from "../result.ts";
import { checkPassword, normaliseEmail } from "../users.ts";
import { type Engineer, parseEngineerPhone, parseHomePostcode, parseTrades, parseWorkingWeek } from "./engineers.ts";

export interface EngineerInput {
  email: string;
  name?: string;
  password: string;
  trades: readonly string[];
  postcode?: string;
  /** As parseWorkingWeek takes them; none keeps Monday to Friday, 08:00–17:00. */
  hours?: readonly string[];
  /** Rung when on call, texted about emergencies (UK numbers may be written 07…). */
  phone?: string;
}

export type AddEngineerRefusal =
  | "invalid_email"
  | "weak_password"
  | "missing_name"
  | "invalid_trade"
  | "invalid_postcode"
  | "invalid_hours"
  | "invalid_phone"
  | "email_taken";

/**
 * Adds an engineer: a staff account with the role engineer, their trades, home postcode and
 * working week, each checked with a reason fit to show.
 * @example await addEngineer(deps, { email: "ali@…", name: "Ali", password, trades: ["plumbing"] })
 */
export async function addEngineer(
  deps: { engineers: Engineers; staffUsers: StaffUsers; passwords: Passwords },
  input: EngineerInput,
): Promise<Result<Engineer, AddEngineerRefusal>> {
  const email = normaliseEmail(input.email);
  if (!email.ok) return email;
  const name = input.name?.trim() ?? "";
  if (name === "") return reject("missing_name", "Give the engineer's name (--name), as customers will hear it.");
  const trades = parseTrades(input.trades);
  if (!trades.ok) return trades;
  const postcode = parseHomePostcode(input.postcode);
  if (!postcode.ok) return postcode;
  const hours = parseWorkingWeek(input.hours ?? []);
  if (!hours.ok) return hours;
  const phone = parseEngineerPhone(input.phone);
  if (!phone.ok) return phone;
  const password = checkPassword(input.password);
  if (!password.ok) return password;
  if (await deps.staffUsers.byEmail(email.value))
    return reject("email_taken", `There is already an account for ${email.value}.`);
  return ok(
    await deps.engineers.create({
      email: email.value,
      name,
      passwordHash: await deps.passwords.hash(password.value),
      trades: trades.value,
      homePostcode: postcode.value,
      hours: hours.value,
      phone: phone.value,
    }),
  );
}
