import { addStaffUser } from "../domain/staff-access.ts";
import type { AppDeps } from "../compose/app-deps.ts";
import { promptSecret } from "./prompt.ts";

/** `user add EMAIL [--password P] [--role admin|staff]`: prompts for the password when not given. */
export async function addUserCommand(
  deps: Pick<AppDeps, "repos" | "passwords" | "now">,
  args: { email: string; password?: string; role?: string; name?: string },
): Promise<number> {
  const password = args.password ?? (await promptSecret(`Password for ${args.email}: `));
  const result = await addStaffUser(
    { staffUsers: deps.repos.staffUsers, passwords: deps.passwords },
    { email: args.email, password, role: args.role, name: args.name ?? null },
  );
  if (!result.ok) {
    console.error(result.message);
    return 1;
  }
  // Accounts made outside the web app belong in the audit trail too, by the command line's name.
  await deps.repos.audit.record({
    who: "command line",
    what: `added as ${result.value.role}`,
    entity: "user",
    entityId: result.value.id,
    at: deps.now(),
    details: { email: result.value.email },
  });
  console.log(`Created ${result.value.role} ${result.value.email}. They can log in now.`);
  return 0;
}
