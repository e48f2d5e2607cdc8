import { CsrfField } from "./layout.tsx";

/** The simulated customer's answers staff can pick before the call (or key in on the call's page). */
const SIMULATED_REPLIES: [string, string][] = [
  ["", "Key in on the call's page"],
  ["press:1", "Press 1 (yes)"],
  ["press:2", "Press 2 (no / another time)"],
  ["press:9", "Press 9 (stop calling me)"],
  ["say:yes that's fine", 'Say "yes, that\'s fine"'],
  ["say:another time please", 'Say "another time, please"'],
  ["say:stop calling me", 'Say "stop calling me"'],
  ["say:sorry what was that", 'Say "sorry, what was that?" (not understood)'],
];

/**
 * "Call with the assistant": posts to the visit's, quote's or lead's assistant-call URL and opens
 * the call's live page (htmx follows HX-Redirect; a refusal shows its reason in the flash area).
 * On the embedded default the simulator answers: staff pick its reply here.
 */
export function AssistantCallButton(props: { action: string; csrfToken: string | null; simulatedCustomer?: boolean }) {
  return (
    <form class="inline" method="post" action={props.action} hx-post={props.action}>
      <CsrfField token={props.csrfToken} />
      {props.simulatedCustomer ? (
        <label>
          Simulated customer{" "}
          <select name="reply">
            {SIMULATED_REPLIES.map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </label>
      ) : null}{" "}
      <button type="submit" class="secondary">
        Call with the assistant
      </button>
    </form>
  );
}

/**
 * On a simulated assistant call: staff answer as the customer would, with a key or words. The
 * simulator sends them over the call's media stream (`dtmf`, or audio announced to the demo transcript).
 */
export function SimulatedCustomerPanel(props: { callId: string; csrfToken: string | null }) {
  const action = `/calls/${props.callId}/simulated-customer`;
  return (
    <section class="card" id="simulated-customer">
      <h2 style="margin-top:0">Simulated customer</h2>
      <p class="muted">No phone is rung: the call simulator answers. Answer as the customer would.</p>
      <div class="toolbar">
        {["1", "2", "9"].map((digit) => (
          <form class="inline" method="post" action={action} hx-post={action} hx-swap="none">
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="digit" value={digit} />
            <button type="submit" class="secondary">
              Press {digit}
            </button>
          </form>
        ))}
      </div>
      <form method="post" action={action} hx-post={action} hx-swap="none" hx-on--after-request="this.reset()">
        <CsrfField token={props.csrfToken} />
        <label>
          Say <input name="words" maxlength={120} placeholder="yes, that's fine" />
        </label>{" "}
        <button type="submit" class="secondary">
          Say it
        </button>
      </form>
    </section>
  );
}
