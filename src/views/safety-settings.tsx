import type { SafetyRule } from "../domain/extraction/safety.ts";
import { CsrfField, Layout, type PageContext } from "./layout.tsx";

/** The company's safety advice list: what staff are told to say when a call describes a danger. */
export function SafetySettingsPage(props: {
  ctx: PageContext;
  rules: readonly SafetyRule[];
  json: string;
  error?: string;
  saved?: boolean;
}) {
  return (
    <Layout ctx={props.ctx} title="Safety advice">
      <h1>Safety advice</h1>
      <p class="muted">
        When a caller describes one of these dangers, the call's details panel shows the advice at once. Each rule fires
        on any phrase in
        <code> anyOf</code> (a trailing * matches any ending); with <code>andAnyOf</code>, only when one of those is
        said too (within
        <code> nearWords</code> words, when set). A phrase with a "no"/"not" just before it does not count.
      </p>
      <section class="card">
        <h2>Current rules</h2>
        <ul>
          {props.rules.map((rule) => (
            <li>
              <strong>{rule.danger}</strong>: {rule.advice}
            </li>
          ))}
        </ul>
      </section>
      {props.ctx.user?.role !== "admin" ? (
        <p class="muted">Only admins can change this list.</p>
      ) : (
        <form class="stack card" method="post" action="/settings/safety" style="max-width:none">
          <CsrfField token={props.ctx.csrfToken} />
          {props.saved ? <p class="ok-note">Saved. Calls from now on use this list.</p> : null}
          {props.error ? (
            <p class="form-error" role="alert" id="rules-error">
              {props.error}
            </p>
          ) : null}
          <label for="rules">
            Rules (JSON)
            <textarea
              id="rules"
              name="rules"
              rows={24}
              spellcheck={false}
              style="font-family:monospace;font-size:.85rem"
              aria-invalid={props.error ? "true" : undefined}
              aria-describedby={props.error ? "rules-error" : undefined}
            >
              {props.json}
            </textarea>
          </label>
          <div>
            <button type="submit">Save the list</button>
          </div>
        </form>
      )}
    </Layout>
  );
}
