import { LEAD_SEGMENTS } from "../domain/leads.ts";
import { TRADE_CATEGORIES, URGENCIES } from "../domain/issues.ts";
import type { CallDetails } from "../domain/extraction/call-details.ts";
import { CORRECTABLE_FIELDS, type CorrectableField } from "../domain/extraction/extraction.ts";
import { formatDateTime } from "../domain/london-time.ts";
import { humanise, phoneForDisplay } from "./format.ts";

const LABELS: Record<CorrectableField, string> = {
  name: "Name",
  organisation: "Organisation",
  phone: "Number given",
  email: "Email",
  address: "Site address",
  postcode: "Postcode",
  urgency: "Urgency",
  category: "Trade",
  summary: "Job",
  accessNotes: "Access",
  segment: "Segment",
};

const CHOICES: Partial<Record<CorrectableField, readonly string[]>> = {
  urgency: URGENCIES,
  category: TRADE_CATEGORIES,
  segment: LEAD_SEGMENTS,
};

/**
 * The caller's details as the call goes: safety advice first (it must be said now), then what is
 * still missing, then each field — editable in place; a corrected field is marked and kept.
 */
export function CallDetailsPanel(props: { callId: string; details: CallDetails | null; csrfToken: string | null }) {
  const { details } = props;
  if (!details) {
    return <p class="muted">Details appear here as the caller gives them.</p>;
  }
  const { extraction } = details;
  return (
    <>
      {details.safety.map((advice) => (
        <div class="safety" role="alert">
          <strong>{advice.danger}</strong> <span class="muted">(heard: "{advice.heard}")</span>
          <p>{advice.advice}</p>
        </div>
      ))}
      {details.missing.length > 0 ? (
        <div class="missing">
          <strong>Still to ask</strong>
          <ul>
            {details.missing.map((m) => (
              <li>{m.ask}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p class="ok-note">All intake details taken.</p>
      )}
      <dl class="details editable">
        {CORRECTABLE_FIELDS.map((field) => (
          <DetailField
            callId={props.callId}
            field={field}
            value={field === "email" ? details.email : extraction[field]}
            confidence={field === "email" ? 0 : extraction.confidence[field]}
            corrected={details.corrected.includes(field)}
            correctedBy={details.correctedBy[field]}
          />
        ))}
      </dl>
      <p class="muted small">
        Read by {extraction.extractor}
        {extraction.fallback
          ? ` (fallback from ${extraction.fallback.from}: ${humanise(extraction.fallback.reason)})`
          : ""}
        .
      </p>
    </>
  );
}

function DetailField(props: {
  callId: string;
  field: CorrectableField;
  value: string | null;
  confidence: number;
  corrected: boolean;
  correctedBy: { by: string; at: string } | undefined;
}) {
  const { field, value } = props;
  const choices = CHOICES[field];
  const id = `detail-${field}`;
  const shown = field === "phone" && value ? phoneForDisplay(value) : (value ?? "");
  const control = choices ? (
    <select id={id} name="value">
      <option value="" selected={!value}>
        —
      </option>
      {choices.map((choice) => (
        <option value={choice} selected={choice === value}>
          {humanise(choice)}
        </option>
      ))}
    </select>
  ) : (
    <input id={id} name="value" value={shown} autocomplete="off" />
  );
  // One wrapper a field: the page's script holds just this one while staff type in it (app.js).
  return (
    <div class="detail-field" data-field={field}>
      <dt>
        <label for={id}>{LABELS[field]}</label>
      </dt>
      <dd>
        <form
          hx-post={`/calls/${props.callId}/details`}
          hx-trigger="change, submit"
          hx-target="#caller-details-panel"
          hx-swap="innerHTML"
          method="post"
          action={`/calls/${props.callId}/details`}
        >
          <input type="hidden" name="field" value={field} />
          {control}
        </form>
        <span class="editing-mark">you are editing</span>{" "}
        <span
          class={`confidence ${props.corrected ? "corrected" : ""}`}
          title={props.corrected ? correctionNote(props.correctedBy) : undefined}
        >
          {props.corrected ? "corrected by staff" : value ? `${Math.round(props.confidence * 100)}% sure` : ""}
        </span>
      </dd>
    </div>
  );
}

/** Who corrected a field and when, for the mark's tooltip. */
const correctionNote = (mark: { by: string; at: string } | undefined) =>
  mark ? `Corrected by ${mark.by}, ${formatDateTime(new Date(mark.at))}` : undefined;
