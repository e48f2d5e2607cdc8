import type { CallerCheck } from "../domain/caller-match.ts";
import { CsrfField } from "./layout.tsx";

/**
 * "Check caller": the caller does not look like the number's lead. Says so in one sentence and
 * offers the three answers; once staff chose, says what they chose. Drawn with the call page and
 * sent on the call's live stream as it changes (the "caller-check" swap).
 */
export function CallerCheckNotice(props: { callId: string; check: CallerCheck | null; csrfToken: string | null }) {
  const { check, callId } = props;
  if (!check) return <></>;
  if (check.state === "resolved") {
    return (
      <p class="ok-note caller-checked" role="status">
        Caller checked: {check.outcome}.
      </p>
    );
  }
  const action = `/calls/${callId}/caller`;
  const form = {
    method: "post" as const,
    action,
    "hx-post": action,
    "hx-target": "#caller-check",
    "hx-swap": "innerHTML",
  };
  const said = check.says.name ?? "";
  return (
    <div class="notice warn caller-check" role="alert">
      <p>
        <strong>Check caller.</strong> {check.notice}.
      </p>
      <form class="inline" {...form}>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="choice" value="same" />
        <button type="submit">Same customer</button>
      </form>
      <form class="inline" {...form}>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="choice" value="contact" />
        <input name="name" value={said} required aria-label="Contact's name" placeholder="Name" />
        <input name="role" aria-label="Contact's role" placeholder="Role (tenant, manager…)" />
        <button type="submit" class="secondary">
          Another contact at this number
        </button>
      </form>
      <form class="inline" {...form}>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="choice" value="different" />
        <input name="name" value={said} required aria-label="New customer's name" placeholder="Name" />
        <button type="submit" class="secondary">
          A different customer
        </button>
      </form>
      {check.filingHeld ? <p class="muted">The call has ended; its job is filed once you choose.</p> : null}
    </div>
  );
}
