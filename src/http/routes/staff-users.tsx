import { Hono, type Context } from "hono";
import { z } from "zod";
import { addStaffUser } from "../../domain/staff-access.ts";
import { changeRole, resetPassword, setDisabled } from "../../domain/staff-admin.ts";
import { emptyForm, type FormState } from "../../views/components.tsx";
import { StaffUsersPage } from "../../views/staff-users.tsx";
import { audit } from "../audit.ts";
import type { AppEnv } from "../deps.ts";
import { notFound, reasonStatus, rejectionError } from "../errors.ts";
import { requireRole } from "../middleware/require-role.ts";
import { pageContext } from "../page-context.ts";
import { redirectAfterPost } from "../respond.ts";
import { CODE_MAX, formRaw, formText, LINE_MAX, validForm } from "../validation.ts";

/** Above the domain's password limit, so its message wins for anything a person would type. */
const PASSWORD_MAX = 1_000;

const addForm = z.object({
  email: formText(LINE_MAX),
  name: formText(LINE_MAX),
  role: formText(CODE_MAX),
  password: formRaw(PASSWORD_MAX),
});
const roleForm = z.object({ role: formText(CODE_MAX) });
const passwordForm = z.object({ password: formRaw(PASSWORD_MAX) });

async function usersPage(c: Context<AppEnv>, form: FormState, status: 200 | 409 | 422 = 200) {
  const users = await c.get("deps").repos.staffUsers.list();
  return c.html(<StaffUsersPage ctx={pageContext(c)} users={users} form={form} />, status);
}

const adminDeps = (c: Context<AppEnv>) => {
  const { repos, now, passwords } = c.get("deps");
  return { staffUsers: repos.staffUsers, staffSessions: repos.staffSessions, now, passwords };
};

/** Admins only: staff accounts at /settings/users. */
export function staffUserRoutes() {
  const app = new Hono<AppEnv>();
  // Scoped to these paths: a bare use() here would run for every staff route mounted after.
  app.use("/settings/users", requireRole("admin"));
  app.use("/settings/users/*", requireRole("admin"));

  app.get("/settings/users", (c) => usersPage(c, emptyForm({ role: "staff" })));

  app.post(
    "/settings/users",
    validForm(addForm, (c, bad) => usersPage(c, { values: { ...bad.values, password: "" }, errors: bad.errors }, 422)),
    async (c) => {
      const form = c.req.valid("form");
      const added = await addStaffUser(adminDeps(c), { ...form, name: form.name || null });
      if (!added.ok) {
        const field =
          added.reason === "weak_password" ? "password" : added.reason === "invalid_role" ? "role" : "email";
        const values = { ...form, password: "" };
        return usersPage(c, { values, errors: { [field]: added.message } }, reasonStatus(added.reason) as 409 | 422);
      }
      await audit(c, "user", added.value.id, `added as ${added.value.role}`, { email: added.value.email });
      return redirectAfterPost(c, "/settings/users");
    },
  );

  app.post("/settings/users/:id/role", validForm(roleForm), async (c) => {
    const before = await c.get("deps").repos.staffUsers.byId(c.req.param("id"));
    if (!before) throw notFound("staff user");
    const changed = await changeRole(adminDeps(c), before.id, c.req.valid("form").role);
    if (!changed.ok) throw rejectionError(changed);
    if (before.role !== changed.value.role) {
      await audit(c, "user", before.id, `role ${before.role} → ${changed.value.role}`, { email: before.email });
    }
    return redirectAfterPost(c, "/settings/users");
  });

  app.post("/settings/users/:id/password", validForm(passwordForm), async (c) => {
    const changed = await resetPassword(adminDeps(c), c.req.param("id"), c.req.valid("form").password);
    if (!changed.ok) throw rejectionError(changed);
    await audit(c, "user", changed.value.id, "password reset", { email: changed.value.email });
    return redirectAfterPost(c, "/settings/users");
  });

  for (const [action, disabled] of [
    ["disable", true],
    ["enable", false],
  ] as const) {
    app.post(`/settings/users/:id/${action}`, async (c) => {
      const changed = await setDisabled(adminDeps(c), c.req.param("id"), disabled);
      if (!changed.ok) throw rejectionError(changed);
      await audit(c, "user", changed.value.id, `${action}d`, { email: changed.value.email });
      return redirectAfterPost(c, "/settings/users");
    });
  }

  return app;
}
