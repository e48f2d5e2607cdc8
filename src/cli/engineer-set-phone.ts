import type { AppDeps } from "../compose/app-deps.ts";
import { changeEngineerPhoneByEmail } from "../domain/scheduling/engineer-phone.ts";
import { formatPhone } from "../domain/phone.ts";

/**
 * `engineer set-phone EMAIL PHONE`: the number the engineer is rung on when on call and texted
 * about emergencies ("" removes it). Says what it did; a bad number or unknown engineer is an
 * error with the reason and exit code 1, and nothing changes.
 */
export async function setEngineerPhoneCommand(
  deps: Pick<AppDeps, "repos">,
  args: { email: string; phone: string },
): Promise<number> {
  const result = await changeEngineerPhoneByEmail(
    { engineers: deps.repos.engineers, staffUsers: deps.repos.staffUsers },
    args.email,
    args.phone,
    { who: "command line" },
  );
  if (!result.ok) {
    console.error(result.message);
    return 1;
  }
  const { name, email, phone } = result.value;
  console.log(
    phone
      ? `${name} <${email}> is now rung on ${formatPhone(phone)} when on call.`
      : `${name} <${email}> has no phone number now: when they are on call, calls ring the office.`,
  );
  return 0;
}
