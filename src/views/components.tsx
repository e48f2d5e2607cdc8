import type { FieldErrors } from "../domain/validation.ts";
import { auditWords } from "../domain/timeline-words.ts";
import { humanise } from "./format.ts";
import { formatDateTime } from "../domain/london-time.ts";
import type { AuditEntry } from "../ports/audit.ts";

type Values = Record<string, string | null | undefined>;

export interface FormState {
  values: Values;
  errors: FieldErrors;
}

export const emptyForm = (values: Values = {}): FormState => ({ values, errors: {} });

/** A labelled input with its error beside it; the error is linked for screen readers. */
export function Field(props: {
  form: FormState;
  name: string;
  label: string;
  type?: string;
  required?: boolean;
  placeholder?: string;
  autocomplete?: string;
  inputmode?: "decimal" | "email" | "none" | "numeric" | "search" | "tel" | "text" | "url";
}) {
  const error = props.form.errors[props.name];
  const id = `field-${props.name}`;
  return (
    <label for={id}>
      {props.label}
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.form.values[props.name] ?? ""}
        required={props.required}
        placeholder={props.placeholder}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error ? (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

export function TextAreaField(props: { form: FormState; name: string; label: string; rows?: number }) {
  const error = props.form.errors[props.name];
  const id = `field-${props.name}`;
  return (
    <label for={id}>
      {props.label}
      <textarea id={id} name={props.name} rows={props.rows ?? 3} aria-invalid={error ? "true" : undefined}>
        {props.form.values[props.name] ?? ""}
      </textarea>
      {error ? (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

export function SelectField(props: {
  form: FormState;
  name: string;
  label: string;
  options: readonly (string | { value: string; label: string })[];
}) {
  const error = props.form.errors[props.name];
  const id = `field-${props.name}`;
  const current = props.form.values[props.name] ?? "";
  return (
    <label for={id}>
      {props.label}
      <select id={id} name={props.name} aria-invalid={error ? "true" : undefined}>
        {props.options.map((option) => {
          const { value, label } = typeof option === "string" ? { value: option, label: humanise(option) } : option;
          return (
            <option value={value} selected={value === current}>
              {label}
            </option>
          );
        })}
      </select>
      {error ? (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

export const Badge = (props: { value: string; label?: string }) => (
  <span class={`badge ${props.value}`}>{props.label ?? humanise(props.value)}</span>
);

export const FormError = (props: { form: FormState }) =>
  Object.keys(props.form.errors).length > 0 ? (
    <p class="form-error" role="alert">
      Some fields need attention.
    </p>
  ) : null;

/** Who changed what on a record, newest first. */
export const History = (props: { entries: AuditEntry[] }) =>
  props.entries.length === 0 ? null : (
    <>
      <h2>History</h2>
      <ul class="timeline small">
        {props.entries.map((entry) => (
          <li>
            {formatDateTime(entry.at)} · {entry.who}: {auditWords(entry.entity, entry.what)}
          </li>
        ))}
      </ul>
    </>
  );
