import type { Child } from "hono/jsx";
import type { DashboardFigures } from "../domain/dashboard/figures.ts";
import type { CallListItem } from "../ports/calls.ts";
import { Badge } from "./components.tsx";
import { humanise, phoneForDisplay } from "./format.ts";
import { formatDateTime, formatTime } from "../domain/london-time.ts";
import { CsrfField, Layout, type PageContext } from "./layout.tsx";
import type { MoneyFigures } from "../ports/payments.ts";
import { MoneyStats } from "./quotes.tsx";
import { CheckCallerBadge } from "./calls.tsx";
import { awaitsCallerCheck } from "../domain/caller-match.ts";

/**
 * The dashboard page around its figures (`live`: DashboardLive, rendered once per set of figures
 * by the route and shared by every load until they change; it holds nothing per user).
 */
export function DashboardPage(props: { ctx: PageContext; live: Child; simulator: string[] | null }) {
  return (
    <Layout ctx={props.ctx} title="Dashboard">
      <h1>Today</h1>
      {/* Emergencies and new calls appear without a reload: the page re-reads itself on call events
          (queue:last, not throttle, which would drop the last of a burst: see inbox.tsx). */}
      <div hx-ext="sse" sse-connect="/live?topic=calls">
        <div
          hx-get="/"
          hx-trigger="sse:calls-changed queue:last"
          hx-select="#dashboard-live"
          hx-target="#dashboard-live"
          hx-swap="outerHTML"
        ></div>
      </div>
      {props.simulator ? <SimulateCall ctx={props.ctx} fixtures={props.simulator} /> : null}
      {props.live}
    </Layout>
  );
}

/** The figures: what the page re-reads of itself (`#dashboard-live`) when calls change. */
export function DashboardLive(props: { figures: DashboardFigures; money?: MoneyFigures }) {
  const f = props.figures;
  return (
    <div id="dashboard-live">
      <div class="stats">
        <Stat n={f.callsToday} label="Calls today" href="/calls" />
        <Stat
          n={f.openByUrgency.emergency}
          label="Open emergencies"
          href="/issues"
          tone={f.openByUrgency.emergency > 0 ? "emergency" : undefined}
        />
        <Stat n={f.openByUrgency.urgent + f.openByUrgency.routine} label="Other open issues" href="/issues" />
        <Stat n={f.newLeadsThisWeek} label="New leads this week" href="/leads" />
      </div>
      {props.money ? <MoneyStats money={props.money} /> : null}
      <CallersToCheck calls={f.callersToCheck} />
      {/* Missed calls to follow up (routes/messages.tsx), refreshed as calls are missed. */}
      <div hx-ext="sse" sse-connect="/live?topic=inbox">
        <div hx-get="/missed-calls" hx-trigger="load, sse:missed-call" hx-swap="innerHTML"></div>
      </div>
      <div class="grid two">
        <section class="card">
          <h2>Open issues, emergencies first</h2>
          {f.openIssues.length === 0 ? (
            <p class="muted">No open issues.</p>
          ) : (
            <div class="table-wrap">
              <table class="stacked">
                <tbody>
                  {f.openIssues.map((issue) => (
                    <tr>
                      <td>
                        <Badge value={issue.urgency} />
                      </td>
                      <td>
                        <a href={`/issues/${issue.id}`}>{issue.title}</a>
                        <div class="muted">
                          {issue.leadName ?? "Unknown"} · {issue.postcode ?? "no postcode"} · {humanise(issue.category)}
                        </div>
                      </td>
                      <td class="muted">{formatDateTime(issue.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section class="card">
          <h2>Latest calls</h2>
          {f.recentCalls.length === 0 ? (
            <p class="muted">No calls yet.</p>
          ) : (
            <ul class="timeline">
              {f.recentCalls.map((call) => (
                <li>
                  <a href={`/calls/${call.id}`}>{call.leadName ?? phoneForDisplay(call.from)}</a>{" "}
                  {call.emergency ? <Badge value="emergency" /> : null}
                  {awaitsCallerCheck(call) ? <CheckCallerBadge /> : null}
                  <div class="muted">
                    {formatTime(call.startedAt)} · {humanise(call.status)}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}

/** Calls flagged "check caller": their jobs wait until someone says who called. */
const CallersToCheck = (props: { calls: CallListItem[] }) =>
  props.calls.length === 0 ? null : (
    <section class="card" id="callers-to-check">
      <h2>Callers to check</h2>
      <ul class="timeline">
        {props.calls.map((call) => (
          <li>
            <a href={`/calls/${call.id}`}>{call.leadName ?? phoneForDisplay(call.from)}</a> <CheckCallerBadge />
            <div class="muted">
              {formatTime(call.startedAt)} · {call.callerCheck?.notice}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );

const Stat = (props: { n: number; label: string; href: string; tone?: string }) => (
  <a class={`stat ${props.tone ?? ""}`} href={props.href} style="text-decoration:none;color:inherit">
    <div class="n">{props.n}</div>
    <div class="label">{props.label}</div>
  </a>
);

/** On the embedded default: play a scripted call, to watch it arrive live. */
const SimulateCall = (props: { ctx: PageContext; fixtures: string[] }) => (
  <form class="card toolbar" method="post" action="/simulate-call">
    <CsrfField token={props.ctx.csrfToken} />
    <strong style="margin-right:auto">No phone line connected. Watch a simulated call arrive live:</strong>
    <select name="fixture" aria-label="Scripted call">
      {props.fixtures.map((name) => (
        <option value={name}>{humanise(name)}</option>
      ))}
    </select>
    <button type="submit">Simulate a call</button>
  </form>
);
