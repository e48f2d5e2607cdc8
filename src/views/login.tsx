import { Layout, type PageContext } from "./layout.tsx";

export function LoginPage(props: { ctx: PageContext; email?: string; error?: string; next?: string }) {
  return (
    <Layout ctx={props.ctx} title="Log in">
      <div class="login card">
        <h1>{props.ctx.companyName}</h1>
        <p class="muted">Staff log in</p>
        {props.error ? (
          <p class="form-error" role="alert">
            {props.error}
          </p>
        ) : null}
        <form method="post" action="/login" class="stack">
          {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
          <label for="email">
            Email
            <input
              id="email"
              name="email"
              type="email"
              autocomplete="username"
              required
              value={props.email ?? ""}
              autofocus
            />
          </label>
          <label for="password">
            Password
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </label>
          <button type="submit">Log in</button>
        </form>
      </div>
    </Layout>
  );
}
