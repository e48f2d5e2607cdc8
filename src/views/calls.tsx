import { inSpokenOrder, speakerOf, type Call, type TranscriptSegment } from "../domain/calls.ts";
import { leadDisplayName, type Lead } from "../domain/leads.ts";
import { formatPhone } from "../domain/phone.ts";
import type { CallListItem } from "../ports/calls.ts";
import { Badge } from "./components.tsx";
import { formatDateTime, formatDuration, formatOffset, humanise } from "./format.ts";
import { Layout, type PageContext } from "./layout.tsx";

export function CallsPage(props: { ctx: PageContext; calls: CallListItem[]; page: number; hasMore: boolean }) {
  return (
    <Layout ctx={props.ctx} title="Calls">
      <h1>Calls</h1>
      {props.calls.length === 0 ? (
        <p class="muted">No calls yet. Calls appear here as they come in.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Caller</th>
                <th>Status</th>
                <th>Length</th>
                <th>Summary</th>
              </tr>
            </thead>
            <tbody>
              {props.calls.map((call) => (
                <tr>
                  <td>
                    <a href={`/calls/${call.id}`}>{formatDateTime(call.startedAt)}</a>
                  </td>
                  <td>{call.leadName ?? formatPhone(call.from)}</td>
                  <td>
                    {call.emergency ? <Badge value="emergency" /> : null} {humanise(call.status)}
                  </td>
                  <td>{formatDuration(call.durationSeconds)}</td>
                  <td class="muted">{call.summary ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager">
        {props.page > 1 ? <a href={`/calls?page=${props.page - 1}`}>← Newer</a> : null}
        {props.hasMore ? <a href={`/calls?page=${props.page + 1}`}>Older →</a> : null}
      </nav>
    </Layout>
  );
}

export function CallPage(props: { ctx: PageContext; call: Call; lead: Lead | null; transcript: TranscriptSegment[] }) {
  const { call } = props;
  const finals = inSpokenOrder(props.transcript.filter((s) => s.isFinal));
  return (
    <Layout ctx={props.ctx} title="Call">
      <h1>
        Call from {props.lead ? leadDisplayName(props.lead) : formatPhone(call.from)} {call.emergency ? <Badge value="emergency" /> : null}
      </h1>
      <div class="grid two">
        <section class="card transcript">
          <h2>Transcript</h2>
          {finals.length === 0 ? (
            <p class="muted">No transcript for this call.</p>
          ) : (
            finals.map((segment) => (
              <p>
                <span class="muted">{formatOffset(segment.startMs)}</span> <span class="speaker">{speakerOf(segment.track)}:</span>
                {segment.text}
              </p>
            ))
          )}
        </section>
        <aside class="card">
          <dl class="details">
            <dt>Status</dt>
            <dd>{humanise(call.status)}</dd>
            <dt>From</dt>
            <dd>{formatPhone(call.from)}</dd>
            <dt>To</dt>
            <dd>{formatPhone(call.to)}</dd>
            <dt>Started</dt>
            <dd>{formatDateTime(call.startedAt)}</dd>
            <dt>Length</dt>
            <dd>{formatDuration(call.durationSeconds)}</dd>
            <dt>Lead</dt>
            <dd>{props.lead ? <a href={`/leads/${props.lead.id}`}>{leadDisplayName(props.lead)}</a> : "—"}</dd>
            <dt>Transcribed by</dt>
            <dd>{call.transcriber ?? "—"}</dd>
          </dl>
          {call.summary ? <p>{call.summary}</p> : null}
        </aside>
      </div>
    </Layout>
  );
}
