import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Role } from "../../domain/users.ts";
import type { AppEnv } from "../deps.ts";

/**
 * Lets only users with `role` through; others get 403. Put it before the route's validator, so
 * a staff user learns nothing from how an admin form would have been judged.
 * @example app.post("/settings/safety", requireRole("admin"), validForm(schema), handler)
 */
export const requireRole =
  (role: Role): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    if (c.get("user")?.role !== role) {
      throw new HTTPException(403, { message: `Only ${role}s can do this. Ask an ${role} if it needs doing.` });
    }
    await next();
  };
