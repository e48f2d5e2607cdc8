import type { AppDeps } from "../compose/app-deps.ts";
import type { StaffSession } from "../ports/staff.ts";
import type { StaffUser } from "../domain/users.ts";

export type { AppDeps };

/** What the middleware puts on the request context. */
export type AppEnv = {
  Variables: {
    deps: AppDeps;
    user: StaffUser | null;
    session: StaffSession | null;
    requestId: string;
  };
};
