import type { Actor, Engineers } from "../../ports/scheduling.ts";
import type { StaffUsers } from "../../ports/staff.ts";
import { ok, reject, type Result } from "../result.ts";
import { normaliseEmail } from "../users.ts";
import { parseEngineerPhone, type Engineer } from "./engineers.ts";

export type PhoneChangeRefusal = "invalid_phone" | "not_found";

/**
 * Changes the number an engineer is rung on when on call (and texted about emergencies): a UK
 * number may be written 07…; an empty one removes it, so calls fall back to the office. The
 * repository writes the audit entry with it.
 * @example await changeEngineerPhone(deps, engineer.userId, "07700 900123", { who: "ali@…" })
 */
export async function changeEngineerPhone(
  deps: { engineers: Pick<Engineers, "byId" | "setPhone"> },
  userId: string,
  input: string,
  actor: Actor,
): Promise<Result<Engineer, PhoneChangeRefusal>> {
  const phone = parseEngineerPhone(input);
  if (!phone.ok) return phone;
  const engineer = await deps.engineers.byId(userId);
  if (!engineer || !(await deps.engineers.setPhone(userId, phone.value, actor)))
    return reject("not_found", "There is no such engineer.");
  return ok({ ...engineer, phone: phone.value });
}

/** The same, for the engineer with this email (the command line names engineers by email). */
export async function changeEngineerPhoneByEmail(
  deps: { engineers: Pick<Engineers, "byId" | "setPhone">; staffUsers: Pick<StaffUsers, "byEmail"> },
  email: string,
  input: string,
  actor: Actor,
): Promise<Result<Engineer, PhoneChangeRefusal | "invalid_email">> {
  const address = normaliseEmail(email);
  if (!address.ok) return address;
  const user = await deps.staffUsers.byEmail(address.value);
  const engineer = user ? await deps.engineers.byId(user.id) : null;
  if (!engineer) return reject("not_found", `There is no engineer with the email ${address.value}.`);
  return changeEngineerPhone(deps, engineer.userId, input, actor);
}
