import type { AppDeps } from "../compose/app-deps.ts";
import { addEngineer, type EngineerInput } from "../domain/scheduling/add-engineer.ts";
import { describeWorkingWeek } from "../domain/scheduling/engineers.ts";
import { promptSecret } from "./prompt.ts";

/**
 * `engineer add EMAIL --name NAME --trade T [--trade T2] [--postcode PC] [--hours 08:00-17:00]
 * [--phone 07700…] [--password PW]`: prompts for the password when not given, says what it made.
 */
export async function addEngineerCommand(
  deps: Pick<AppDeps, "repos" | "passwords" | "now">,
  args: Omit<EngineerInput, "password"> & { password?: string },
): Promise<number> {
  const password = args.password ?? (await promptSecret(`Password for ${args.email}: `));
  const result = await addEngineer(
    { engineers: deps.repos.engineers, staffUsers: deps.repos.staffUsers, passwords: deps.passwords },
    { ...args, password },
  );
  if (!result.ok) {
    console.error(result.message);
    return 1;
  }
  const engineer = result.value;
  await deps.repos.audit.record({
    who: "command line",
    what: "added as engineer",
    entity: "user",
    entityId: engineer.userId,
    at: deps.now(),
    details: { email: engineer.email, trades: engineer.trades },
  });
  console.log(
    `Created engineer ${engineer.name} <${engineer.email}>: ${engineer.trades.join(", ")}; ` +
      `${describeWorkingWeek(engineer.hours)}; home ${engineer.homePostcode ?? "not given"}; ` +
      `phone ${engineer.phone ? "given" : "not given"}.`,
  );
  return 0;
}
