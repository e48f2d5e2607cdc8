import type { Passwords } from "../ports/passwords.ts";
import type { StaffSessions, StaffUserChange, StaffUsers } from "../ports/staff.ts";
import { ok, reject, type Result } from "./result.ts";
import { checkPassword, isOfficeRole, type Role, type StaffUser } from "./users.ts";

/** An account that counts as an admin: the admin role, not disabled. */
export const isActiveAdmin = (user: Pick<StaffUser, "role" | "disabledAt">) =>
  user.role === "admin" && user.disabledAt === null;

/**
 * The firm must always keep someone who can manage staff: the last active admin can be neither
 * demoted nor disabled. `activeAdmins` counts every active admin, the target included.
 */
export function keepsAnAdmin(
  user: StaffUser,
  change: StaffUserChange,
  activeAdmins: number,
): Result<StaffUserChange, "last_admin"> {
  const stopsBeingAdmin = (change.role !== undefined && change.role !== "admin") || Boolean(change.disabledAt);
  if (isActiveAdmin(user) && stopsBeingAdmin && activeAdmins <= 1) {
    return reject("last_admin", `${user.email} is the last active admin: make someone else an admin first.`);
  }
  return ok(change);
}

type AdminDeps = { staffUsers: StaffUsers; staffSessions: StaffSessions; now: () => Date };

/** Gives an account another role, unless that leaves no active admin. */
export async function changeRole(
  deps: AdminDeps,
  userId: string,
  role: string,
): Promise<Result<StaffUser, "invalid_role" | "last_admin" | "not_found">> {
  if (!isOfficeRole(role))
    return reject(
      "invalid_role",
      `Role must be admin or staff, not "${role}"` +
        (role === "engineer" ? " (engineers are added with `npm run cli -- engineer add`)." : "."),
    );
  return deps.staffUsers.change(userId, (user, activeAdmins) =>
    keepsAnAdmin(user, { role: role as Role }, activeAdmins),
  );
}

/**
 * Disables an account (its sessions end at once, so an open tab stops working) or enables it
 * again. The last active admin cannot be disabled.
 */
export async function setDisabled(
  deps: AdminDeps,
  userId: string,
  disabled: boolean,
): Promise<Result<StaffUser, "last_admin" | "not_found">> {
  const changed = await deps.staffUsers.change(userId, (user, activeAdmins) =>
    keepsAnAdmin(user, { disabledAt: disabled ? (user.disabledAt ?? deps.now()) : null }, activeAdmins),
  );
  if (changed.ok && disabled) await deps.staffSessions.deleteForUser(userId);
  return changed;
}

/**
 * An admin sets a new password for someone who lost theirs. Their sessions end: whoever held
 * the old password may have been using them.
 */
export async function resetPassword(
  deps: AdminDeps & { passwords: Passwords },
  userId: string,
  password: string,
): Promise<Result<StaffUser, "weak_password" | "not_found">> {
  const checked = checkPassword(password);
  if (!checked.ok) return checked;
  const passwordHash = await deps.passwords.hash(checked.value);
  const changed = await deps.staffUsers.change<never>(userId, () => ok({ passwordHash }));
  if (changed.ok) await deps.staffSessions.deleteForUser(userId);
  return changed;
}
