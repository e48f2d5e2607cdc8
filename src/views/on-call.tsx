import { formatDateTime } from "../domain/london-time.ts";
import { formatPhone } from "../domain/phone.ts";
import type { Engineer } from "../domain/scheduling/engineers.ts";
import { WEEKDAY_NAMES } from "../domain/scheduling/engineers.ts";
import { formatClock } from "../domain/scheduling/london-clock.ts";
import type { Answerer, OfficeHours } from "../domain/scheduling/on-call.ts";
import type { RotaEntry } from "../ports/on-call.ts";
import { CsrfField, Layout, type PageContext } from "./layout.tsx";

export interface OnCallPageData {
  officeHours: OfficeHours;
  rota: RotaEntry[];
  engineers: Pick<Engineer, "userId" | "name" | "email" | "phone">[];
  /** Who answers a call arriving now. */
  now: Answerer;
  /** Whether STAFF_PHONE_NUMBERS is set (the fallback). */
  hasStaffNumbers: boolean;
}

const dayLabel = (i: number) => WEEKDAY_NAMES[i]!.charAt(0).toUpperCase() + WEEKDAY_NAMES[i]!.slice(1);

/** A sentence for who answers now, named as staff know them. */
function whoNow(data: OnCallPageData): string {
  if (data.now.kind === "office") return "The office (office hours): calls ring the staff numbers.";
  if (data.now.kind === "on_call") {
    const engineerId = data.now.engineerId;
    const engineer = data.engineers.find((e) => e.userId === engineerId);
    const name = engineer?.name ?? engineer?.email ?? "An engineer";
    return engineer?.phone
      ? `${name} is on call: calls ring their phone.`
      : `${name} is on call but has no phone number: calls ring the staff numbers.`;
  }
  return data.hasStaffNumbers
    ? "Out of hours and nobody on call: calls ring the staff numbers (the fallback)."
    : "Out of hours and nobody on call: callers are offered voicemail.";
}

/**
 * Office hours and the on-call rota: who answers the phone when. Everyone can read it; admins
 * change it. Form fields: `day` seven times (Monday first), and `engineerId`, `from`, `to` for a period.
 */
export function OnCallPage(props: {
  ctx: PageContext;
  data: OnCallPageData;
  error?: string;
  /** What was typed into the rota form when it was refused. */
  typed?: { engineerId?: string; from?: string; to?: string; days?: string[] };
}) {
  const { data } = props;
  const admin = props.ctx.user?.role === "admin";
  const days =
    props.typed?.days ?? data.officeHours.map((d) => (d ? `${formatClock(d.start)}-${formatClock(d.end)}` : "closed"));
  return (
    <Layout ctx={props.ctx} title="Out of hours and on call">
      <h1>Out of hours and on call</h1>
      <p class="card" id="who-answers">
        <strong>Now:</strong> {whoNow(data)}
      </p>
      {props.error ? (
        <p class="form-error" role="alert">
          Not saved: {props.error}
        </p>
      ) : null}
      <section class="card stack">
        <h2>Office hours (London time)</h2>
        <form class="stack" method="post" action="/settings/on-call/hours">
          <CsrfField token={props.ctx.csrfToken} />
          {days.map((text, i) => (
            <label>
              {dayLabel(i)}
              <input name="day" value={text} placeholder="08:00-17:30 or closed" disabled={!admin} />
            </label>
          ))}
          {admin ? <button type="submit">Save office hours</button> : null}
        </form>
      </section>
      <section class="card stack">
        <h2>On-call rota</h2>
        <p class="muted">
          Out of office hours, calls ring the engineer on call; an emergency texts them and the office. With nobody on
          call, calls ring the staff numbers.
        </p>
        <table id="rota">
          <thead>
            <tr>
              <th>Engineer</th>
              <th>From</th>
              <th>Until</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {data.rota.length === 0 ? (
              <tr>
                <td colspan={4} class="muted">
                  Nobody is on the rota for the coming four weeks.
                </td>
              </tr>
            ) : (
              data.rota.map((period) => (
                <tr>
                  <td>{period.engineerName}</td>
                  <td>{formatDateTime(period.startsAt)}</td>
                  <td>{formatDateTime(period.endsAt)}</td>
                  <td>
                    {admin ? (
                      <form method="post" action={`/settings/on-call/periods/${period.id}/remove`}>
                        <CsrfField token={props.ctx.csrfToken} />
                        <button type="submit" class="secondary">
                          Remove
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
        {admin ? (
          <form class="stack" method="post" action="/settings/on-call/periods" id="add-period">
            <CsrfField token={props.ctx.csrfToken} />
            <label>
              Engineer
              <select name="engineerId" required>
                {data.engineers.map((e) => (
                  <option value={e.userId} selected={props.typed?.engineerId === e.userId}>
                    {e.name ?? e.email}
                    {e.phone ? "" : " (no phone number)"}
                  </option>
                ))}
              </select>
            </label>
            <label>
              From (London time)
              <input type="datetime-local" name="from" value={props.typed?.from ?? ""} required />
            </label>
            <label>
              Until (London time)
              <input type="datetime-local" name="to" value={props.typed?.to ?? ""} required />
            </label>
            <button type="submit">Add to the rota</button>
          </form>
        ) : (
          <p class="muted">Only admins can change the office hours and the rota.</p>
        )}
      </section>
      <section class="card stack" id="engineer-phones">
        <h2>Engineers' phones</h2>
        <p class="muted">
          The number an engineer on call is rung on and texted about emergencies. Engineers can also set their own on My
          day.
        </p>
        <table>
          <tbody>
            {data.engineers.map((e) => (
              <tr>
                <th scope="row">{e.name ?? e.email}</th>
                <td>
                  {admin ? (
                    <form method="post" action={`/settings/on-call/engineers/${e.userId}/phone`} class="inline">
                      <CsrfField token={props.ctx.csrfToken} />
                      <input
                        name="phone"
                        type="tel"
                        value={e.phone ? formatPhone(e.phone) : ""}
                        placeholder="no phone number"
                        aria-label={`Phone number for ${e.name ?? e.email}`}
                      />{" "}
                      <button type="submit" class="secondary">
                        Save
                      </button>
                    </form>
                  ) : e.phone ? (
                    formatPhone(e.phone)
                  ) : (
                    <span class="muted">no phone number</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}
