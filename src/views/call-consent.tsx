import {
  describeCallingHours,
  describeOptOut,
  optOutSourceWords,
  type CallingHours,
  type OptOut,
} from "../domain/assistant/call-policy.ts";
import { formatDateTime } from "../domain/london-time.ts";
import { formatClock } from "../domain/scheduling/london-clock.ts";
import type { OptOutEntry } from "../ports/call-consent.ts";
import { phoneForDisplay } from "./format.ts";
import { CsrfField, Layout, type PageContext } from "./layout.tsx";

const DAY_LABELS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** An admin's form taking a number off the register; `back` is the page to return to. */
function RemoveOptOutForm(props: { ctx: PageContext; optOut: Pick<OptOut, "id">; back: string }) {
  return (
    <form class="stack" method="post" action={`/settings/assistant-calls/opt-outs/${props.optOut.id}/remove`}>
      <CsrfField token={props.ctx.csrfToken} />
      <input type="hidden" name="back" value={props.back} />
      <label>
        Why may the assistant call again?
        <input name="reason" required minlength={5} placeholder="e.g. customer asked by email on 4 Dec" />
      </label>
      <div>
        <button type="submit" class="secondary">
          Remove the opt-out
        </button>
      </div>
    </form>
  );
}

/** The customer asked the office to stop automated calls: one button, the register does the rest. */
function RecordOptOutForm(props: { ctx: PageContext; leadId: string }) {
  return (
    <form method="post" action={`/leads/${props.leadId}/opt-out`} id="record-opt-out">
      <CsrfField token={props.ctx.csrfToken} />
      <button type="submit" class="secondary small">
        Customer asked: no automated calls
      </button>
    </form>
  );
}

/**
 * On the lead page: the number's standing opt-out, in words staff can repeat to the customer.
 * Everyone sees it; only admins get the form to remove it.
 */
export function OptOutNotice(props: { ctx: PageContext; optOut: OptOut | null; leadId: string }) {
  if (!props.optOut) return <RecordOptOutForm ctx={props.ctx} leadId={props.leadId} />;
  return (
    <div class="notice" id="opt-out" role="status">
      <p>
        <strong>{describeOptOut(props.optOut)}.</strong> The assistant will not call this number.
        {props.optOut.callId && isUuid(props.optOut.callId) ? (
          <>
            {" "}
            <a href={`/calls/${props.optOut.callId}`}>Open the call</a>
          </>
        ) : null}
      </p>
      {props.ctx.user?.role === "admin" ? (
        <RemoveOptOutForm ctx={props.ctx} optOut={props.optOut} back={`/leads/${props.leadId}`} />
      ) : null}
    </div>
  );
}

export interface AssistantCallsPageData {
  hours: CallingHours;
  optOuts: OptOutEntry[];
  /** Whether a call could go out now by the hours alone, and why not. */
  now: { ok: true } | { ok: false; message: string };
}

/**
 * /settings/assistant-calls: when the assistant may ring customers, and the numbers that told it
 * not to. Form fields: `day` seven times (Monday first); `reason` and `back` to remove an opt-out.
 */
export function AssistantCallsPage(props: {
  ctx: PageContext;
  data: AssistantCallsPageData;
  error?: string;
  /** What was typed into the hours form when it was refused. */
  typedDays?: string[];
}) {
  const { data } = props;
  const admin = props.ctx.user?.role === "admin";
  const days = props.typedDays ?? data.hours.map((d) => (d ? `${formatClock(d.start)}-${formatClock(d.end)}` : "none"));
  return (
    <Layout ctx={props.ctx} title="Automated calls">
      <h1>Automated calls</h1>
      <p class="card" id="calling-now">
        <strong>Now:</strong>{" "}
        {data.now.ok
          ? "inside the calling hours: the assistant may call."
          : `no automated calls (${data.now.message}).`}
      </p>
      {props.error ? (
        <p class="form-error" role="alert">
          Not saved: {props.error}
        </p>
      ) : null}
      <section class="card stack">
        <h2>Calling hours (London time)</h2>
        <p class="muted">
          The assistant calls {describeCallingHours(data.hours)}, never before 08:00 or after 21:00, and a number at
          most once a day. Write a day as 09:00-19:00, or none.
        </p>
        <form class="stack" method="post" action="/settings/assistant-calls/hours">
          <CsrfField token={props.ctx.csrfToken} />
          {days.map((text, i) => (
            <label>
              {DAY_LABELS[i]}
              <input name="day" value={text} placeholder="09:00-19:00 or none" disabled={!admin} />
            </label>
          ))}
          {admin ? <button type="submit">Save calling hours</button> : null}
        </form>
      </section>
      <section class="card stack">
        <h2>Opted out</h2>
        <p class="muted">
          Numbers whose owner pressed 9 or said "stop calling me": the assistant never calls them.
          {admin ? "" : " Only admins can remove one."}
        </p>
        <div class="table-wrap">
          <table id="opt-outs" class="stacked">
            <thead>
              <tr>
                <th>Number</th>
                <th>Lead</th>
                <th>When and how</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {data.optOuts.length === 0 ? (
                <tr>
                  <td colspan={4} class="muted">
                    Nobody has opted out.
                  </td>
                </tr>
              ) : (
                data.optOuts.map((optOut) => (
                  <tr>
                    <td data-label="Number">{phoneForDisplay(optOut.phone)}</td>
                    <td data-label="Lead">
                      {optOut.leadId ? <a href={`/leads/${optOut.leadId}`}>{optOut.leadName ?? "Lead"}</a> : "—"}
                    </td>
                    <td data-label="When and how">
                      {formatDateTime(optOut.at)}: {optOutSourceWords(optOut.source)}
                    </td>
                    <td>
                      {admin ? (
                        <RemoveOptOutForm ctx={props.ctx} optOut={optOut} back="/settings/assistant-calls" />
                      ) : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>
  );
}
