import type { CompanyDetails } from "../domain/payments/invoice.ts";
import type { VisitLinkState } from "../domain/scheduling/visit-link.ts";
import { PublicLayout } from "./quote-public.tsx";

const BANNERS: Record<VisitLinkState, { tone: string; text: string } | null> = {
  open: null,
  confirmed: { tone: "ok", text: "Thank you: your visit is confirmed." },
  change_requested: {
    tone: "info",
    text: "Thank you: we have your request for another time and will be in touch to rebook.",
  },
  passed: { tone: "warn", text: "This visit has passed; this link no longer changes anything." },
  cancelled: { tone: "warn", text: "This visit was cancelled; this link no longer changes anything." },
  underway: { tone: "info", text: "Your engineer is on the way or with you already." },
};

/**
 * The customer's visit page (/a/<token>): their first name and the slot, nothing more of them or
 * the job, with Confirm and "Ask for another time" while the visit is still ahead and open.
 * Plain forms, no script: any phone.
 */
export function VisitPublicPage(props: {
  company: CompanyDetails;
  token: string;
  firstName: string | null;
  slot: string;
  state: VisitLinkState;
  /** A refusal to show above the page (a button pressed on a visit that changed meanwhile). */
  error?: string;
}) {
  const banner = BANNERS[props.state];
  const canConfirm = props.state === "open";
  const canAsk = props.state === "open" || props.state === "confirmed";
  return (
    <PublicLayout title="Your visit" company={props.company}>
      {props.error ? (
        <div class="banner warn" role="alert">
          {props.error}
        </div>
      ) : null}
      {banner ? (
        <div class={`banner ${banner.tone}`} role="status">
          {banner.text}
        </div>
      ) : null}
      <section class="card">
        <h1>{props.firstName ? `${props.firstName}, your visit` : "Your visit"}</h1>
        <p style="font-size:1.15rem;font-weight:600" data-slot>
          {props.slot}
        </p>
        {canConfirm || canAsk ? (
          <div class="actions">
            {canConfirm ? (
              <form method="post" action={`/a/${props.token}/confirm`}>
                <button type="submit">Confirm this visit</button>
              </form>
            ) : null}
            {canAsk ? (
              <form method="post" action={`/a/${props.token}/another-time`} class="actions">
                <label class="muted" for="note">
                  A better time for you (optional)
                </label>
                <input id="note" name="note" maxlength={300} style="font:inherit;padding:.6rem;width:100%" />
                <button type="submit" class="secondary">
                  Ask for another time
                </button>
              </form>
            ) : null}
          </div>
        ) : null}
      </section>
    </PublicLayout>
  );
}
