import type { SafetyRule } from "../domain/extraction/safety.ts";
import type { SafetyRuleRow } from "../domain/extraction/safety-rules.ts";
import { CsrfField, Layout, type PageContext } from "./layout.tsx";

/** A row of the form, with the key its "Remove" box refers to (rows are matched by order). */
export interface SafetyFormRow extends SafetyRuleRow {
  key: string;
}

export const emptySafetyRow = (key: string): SafetyFormRow => ({
  key,
  id: "",
  danger: "",
  triggers: "",
  alsoSaid: "",
  nearWords: "",
  advice: "",
});

/** One rule's row: the danger, the words that raise it, the advice, and a box to remove it. */
export function SafetyRuleFields(props: { row: SafetyFormRow; number?: number }) {
  const { row } = props;
  const heading = row.danger || (row.id && props.number ? `Rule ${props.number}` : "A new rule");
  return (
    <fieldset class="card stack safety-rule">
      <legend>{heading}</legend>
      <input type="hidden" name="row" value={row.key} />
      <input type="hidden" name="id" value={row.id} />
      <input type="hidden" name="nearWords" value={row.nearWords} />
      <label>
        Danger (the heading staff see)
        <input name="danger" value={row.danger} maxlength={80} />
      </label>
      <label>
        Trigger words (any of these, separated by commas; a * at the end matches any ending)
        <textarea name="triggers" rows={2}>
          {row.triggers}
        </textarea>
      </label>
      <label>
        Only when one of these is also said (optional)
        <textarea name="alsoSaid" rows={2}>
          {row.alsoSaid}
        </textarea>
      </label>
      <label>
        Advice (what staff tell the caller)
        <textarea name="advice" rows={3} maxlength={1000}>
          {row.advice}
        </textarea>
      </label>
      {row.id ? (
        <label class="inline">
          <input type="checkbox" name="remove" value={row.key} /> Remove this rule
        </label>
      ) : null}
    </fieldset>
  );
}

/** The company's safety advice list: what staff are told to say when a call describes a danger. */
export function SafetySettingsPage(props: {
  ctx: PageContext;
  rules: readonly SafetyRule[];
  /** The form's rows: the saved list, or what was typed when it was refused. */
  rows: SafetyFormRow[];
  error?: string;
  saved?: boolean;
}) {
  return (
    <Layout ctx={props.ctx} title="Safety advice">
      <h1>Safety advice</h1>
      <p class="muted">
        When a caller describes one of these dangers, the call's details panel shows the advice at once. A rule is
        raised by any of its trigger words; with words to be also said, only when the caller says one of those in the
        same breath. A word with "no" or "not" just before it does not count.
      </p>
      {props.ctx.user?.role !== "admin" ? (
        <>
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
          <p class="muted">Only admins can change this list.</p>
        </>
      ) : (
        <form class="stack" method="post" action="/settings/safety" style="max-width:none">
          <CsrfField token={props.ctx.csrfToken} />
          {props.saved ? <p class="ok-note">Saved. Calls from now on use this list.</p> : null}
          {props.error ? (
            <p class="form-error" role="alert" id="rules-error">
              Not saved: {props.error}
            </p>
          ) : null}
          <div id="safety-rows" class="stack">
            {props.rows.map((row, index) => (
              <SafetyRuleFields row={row} number={index + 1} />
            ))}
          </div>
          <div class="toolbar">
            <button
              type="button"
              class="secondary"
              hx-get="/settings/safety/new-rule"
              hx-target="#safety-rows"
              hx-swap="beforeend"
            >
              Add another rule
            </button>
            <button type="submit">Save the list</button>
          </div>
        </form>
      )}
    </Layout>
  );
}
