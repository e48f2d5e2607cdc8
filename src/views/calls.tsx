import { isCallOver } from "../domain/calls.ts";
import { awaitsCallerCheck } from "../domain/caller-match.ts";
import type { CallListItem } from "../ports/calls.ts";
import { Badge } from "./components.tsx";
import { callStatusWords, formatDuration, humanise, phoneForDisplay } from "./format.ts";
import { formatDateTime } from "../domain/london-time.ts";
import { Layout, type PageContext } from "./layout.tsx";

type CallsListing = { calls: CallListItem[]; page: number; hasMore: boolean };

/** The calls list; on its first page it refreshes itself as calls start and change. */
export function CallsPage(props: { ctx: PageContext } & CallsListing) {
  return (
    <Layout ctx={props.ctx} title="Calls">
      <h1>Calls</h1>
      {props.page === 1 ? (
        <div hx-ext="sse" sse-connect="/live?topic=calls">
          <div id="calls-table" hx-get="/calls" hx-trigger="sse:calls-changed queue:last" hx-swap="innerHTML">
            <CallsTable {...props} />
          </div>
        </div>
      ) : (
        <CallsTable {...props} />
      )}
    </Layout>
  );
}

export function CallsTable(props: CallsListing) {
  return (
    <>
      {props.calls.length === 0 ? (
        <p class="muted">No calls yet. Calls appear here as they come in.</p>
      ) : (
        <div class="table-wrap">
          <table class="stacked">
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
                  <td data-label="When">
                    <a href={`/calls/${call.id}`}>{formatDateTime(call.startedAt)}</a>
                  </td>
                  <td data-label="Caller">
                    {call.leadName ?? phoneForDisplay(call.direction === "outbound" ? call.to : call.from)}
                    {call.assistant ? (
                      <>
                        {" "}
                        <Badge value="assistant" label="assistant call" />
                      </>
                    ) : null}
                  </td>
                  <td data-label="Status">
                    {call.emergency ? <Badge value="emergency" /> : null}{" "}
                    {call.cardDataHeardAt ? <Badge value="card-data" label="card data in recording" /> : null}{" "}
                    {awaitsCallerCheck(call) ? <CheckCallerBadge /> : null}{" "}
                    {isCallOver(call.status) ? (
                      callStatusWords(call.status)
                    ) : (
                      <Badge value="live" label={`Live · ${humanise(call.status)}`} />
                    )}
                  </td>
                  <td data-label="Length">{formatDuration(call.durationSeconds)}</td>
                  <td data-label="Summary" class="muted wide">
                    {call.summary ?? ""}
                  </td>
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
    </>
  );
}

/** The caller did not look like the number's lead and staff have not said who it is yet. */
export const CheckCallerBadge = () => <Badge value="check-caller" label="check caller" />;
