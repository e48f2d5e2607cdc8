import { formatDate } from "../domain/london-time.ts";
import { OFFICE_ROLES, ROLES, type StaffUser } from "../domain/users.ts";
import { Badge, Field, FormError, SelectField, type FormState } from "./components.tsx";
import { CsrfField, Layout, type PageContext } from "./layout.tsx";

/** Admins manage staff accounts here: add, change role, reset a password, disable or enable. */
export function StaffUsersPage(props: { ctx: PageContext; users: StaffUser[]; form: FormState }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="Staff">
      <div class="toolbar">
        <h1 style="margin:0;margin-right:auto">Staff</h1>
        <a class="button secondary" href="/settings/audit">
          Audit trail
        </a>
      </div>
      <div class="table-wrap">
        <table id="staff-users" class="stacked">
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>Status</th>
              <th>New password</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((user) => (
              <StaffUserRow user={user} csrfToken={ctx.csrfToken} self={user.id === ctx.user?.id} />
            ))}
          </tbody>
        </table>
      </div>
      <form class="stack card" method="post" action="/settings/users" id="add-user" style="margin-top:1.5rem">
        <h2>Add someone</h2>
        <CsrfField token={ctx.csrfToken} />
        <FormError form={props.form} />
        <Field form={props.form} name="email" label="Email" type="email" required autocomplete="off" />
        <Field form={props.form} name="name" label="Name" autocomplete="off" />
        <SelectField form={props.form} name="role" label="Role" options={OFFICE_ROLES} />
        <Field
          form={props.form}
          name="password"
          label="First password (they can be told it in person)"
          type="password"
          required
          autocomplete="new-password"
        />
        <div>
          <button type="submit">Add</button>
        </div>
      </form>
    </Layout>
  );
}

function StaffUserRow(props: { user: StaffUser; csrfToken: string | null; self: boolean }) {
  const { user } = props;
  const base = `/settings/users/${user.id}`;
  return (
    <tr id={`user-${user.id}`}>
      <td data-label="Email">
        {user.email}
        {props.self ? <span class="muted"> (you)</span> : null}
        <div class="muted small">Added {formatDate(user.createdAt)}</div>
      </td>
      <td data-label="Name">{user.name ?? "—"}</td>
      <td data-label="Role">
        <form class="inline" method="post" action={`${base}/role`} hx-post={`${base}/role`}>
          <CsrfField token={props.csrfToken} />
          <select name="role" aria-label={`Role of ${user.email}`}>
            {(user.role === "engineer" ? ROLES : OFFICE_ROLES).map((role) => (
              <option value={role} selected={role === user.role}>
                {role}
              </option>
            ))}
          </select>{" "}
          <button type="submit" class="secondary">
            Set
          </button>
        </form>
      </td>
      <td data-label="Status">
        {user.disabledAt ? <Badge value="disabled" /> : <Badge value="active" />}
        <form
          class="inline"
          method="post"
          action={`${base}/${user.disabledAt ? "enable" : "disable"}`}
          hx-post={`${base}/${user.disabledAt ? "enable" : "disable"}`}
        >
          <CsrfField token={props.csrfToken} />{" "}
          <button type="submit" class="secondary">
            {user.disabledAt ? "Enable" : "Disable"}
          </button>
        </form>
      </td>
      <td data-label="New password">
        <form class="inline" method="post" action={`${base}/password`} hx-post={`${base}/password`}>
          <CsrfField token={props.csrfToken} />
          <input
            type="password"
            name="password"
            autocomplete="new-password"
            aria-label={`New password for ${user.email}`}
            required
          />{" "}
          <button type="submit" class="secondary">
            Reset
          </button>
        </form>
      </td>
    </tr>
  );
}
