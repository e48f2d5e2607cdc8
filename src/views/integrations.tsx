import type { IntegrationStatus } from "../ports/integrations.ts";
import { Badge } from "./components.tsx";
import { formatTime } from "../domain/london-time.ts";
import { CsrfField, Layout, type PageContext } from "./layout.tsx";

const MODE_LABELS = { vendor: "Vendor", embedded: "Embedded default", off: "Off" } as const;

export function IntegrationsPage(props: { ctx: PageContext; integrations: IntegrationStatus[] }) {
  return (
    <Layout ctx={props.ctx} title="Integrations">
      <h1>Integrations</h1>
      <p>
        <a href="/settings/safety">Safety advice list</a> — what staff are told to say when a caller describes a danger.
      </p>
      <p>
        <a href="/settings/assistant-calls">Automated calls</a> — when the assistant may call customers, and who opted
        out.
      </p>
      <p class="muted">
        What each integration runs on now. Set its keys (see the README) to move it from the embedded default to the
        vendor.
      </p>
      <div class="table-wrap">
        <table class="stacked">
          <thead>
            <tr>
              <th>Integration</th>
              <th>Runs on</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {props.integrations.map((i) => (
              <tr>
                <td data-label="Integration">
                  <strong>{i.name}</strong>
                  <div class="muted">{i.purpose}</div>
                </td>
                <td data-label="Runs on">
                  <Badge value={i.mode} label={MODE_LABELS[i.mode]} />
                  <div>{i.detail}</div>
                </td>
                <td data-label="State">
                  {i.health.state === "ok" ? <Badge value="ok" label="Working" /> : null}
                  {i.health.state === "failing" ? (
                    <>
                      <Badge value="failing" label="Failing" />
                      <div class="field-error">{i.health.error}</div>
                    </>
                  ) : null}
                  {i.health.state === "not_checked" ? <span class="muted">{i.health.why}</span> : null}
                  {i.circuit ? <CircuitState circuit={i.circuit} /> : null}
                  {i.keyCheck ? (
                    <KeyCheck
                      check={i.keyCheck}
                      csrfToken={props.ctx.csrfToken}
                      canCheck={props.ctx.user?.role === "admin"}
                    />
                  ) : null}
                  {i.link ? (
                    <div>
                      <a href={i.link.href}>{i.link.label}</a>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

/**
 * A vendor's key check: working, key refused (naming the variable to fix) or unreachable, when it
 * was checked, and for admins a button to check again now.
 */
function KeyCheck(props: {
  check: NonNullable<IntegrationStatus["keyCheck"]>;
  csrfToken: string | null;
  canCheck: boolean;
}) {
  const { check } = props;
  return (
    <div class="key-check">
      {check.state === "checking" ? <span class="muted">Checking the key…</span> : null}
      {check.state === "working" ? <Badge value="ok" label="Key working" /> : null}
      {check.state === "refused" ? (
        <>
          <Badge value="failing" label="Key refused" />
          <div class="field-error">
            Check {check.variable}: {check.reason}
          </div>
        </>
      ) : null}
      {check.state === "unreachable" ? (
        <>
          <Badge value="failing" label="Unreachable" />
          <div class="field-error">{check.reason}</div>
        </>
      ) : null}
      {"checkedAt" in check ? (
        <div class="muted">
          Checked <time datetime={check.checkedAt.toISOString()}>{formatTime(check.checkedAt)}</time>
        </div>
      ) : null}
      {props.canCheck ? (
        <form method="post" action="/settings/integrations/check">
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="vendor" value={check.vendor} />
          <button type="submit">Check again</button>
        </form>
      ) : null}
    </div>
  );
}

/** An open circuit: calls to the vendor fail fast (and wait in the outbox) until the next trial. */
function CircuitState(props: { circuit: NonNullable<IntegrationStatus["circuit"]> }) {
  const { circuit } = props;
  const at = (date: Date) => <time datetime={date.toISOString()}>{formatTime(date)}</time>;
  return (
    <div class="circuit">
      <Badge value="failing" label={circuit.state === "open" ? "Circuit open" : "Circuit half-open"} />
      <div class="field-error">
        {circuit.state === "open" ? (
          <>
            Circuit open since {at(circuit.since)}, retrying at {at(circuit.retryAt)}: calls fail fast meanwhile and
            messages wait in the outbox.
          </>
        ) : (
          <>Circuit open since {at(circuit.since)}: trying one call now.</>
        )}
      </div>
    </div>
  );
}
