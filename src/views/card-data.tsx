import type { CardDataNotice, RecordingState } from "../domain/live-call/card-data-notice.ts";
import { formatTime } from "../domain/london-time.ts";

const RECORDING_SAYS: Record<RecordingState, string> = {
  paused:
    "The recording is paused, so the card details are not in it. Press “Payment talk finished” when the caller has moved on.",
  not_paused:
    "No recording pause happened: there is no Twilio account here to pause it (embedded default). Treat the recording as card data.",
  pause_failed: "Twilio could not pause the recording: it may hold the card details. Treat it as card data.",
  resumed: "The payment talk is over and the recording runs again.",
  resume_failed: "Twilio could not resume the recording; it stays paused for the rest of the call.",
};

/**
 * The call page's warning once a card number was heard: the transcript is masked, but the
 * recording is audio. While the call is live, it steers staff to the caller's secure payment
 * link and lets them say the payment talk is over. `recording` is null on a page drawn from the
 * database (only the live stream knows what the provider did).
 */
export function CardDataNoticeView(props: {
  callId: string;
  heardAt: Date;
  recording: RecordingState | null;
  payLink: string | null;
  live: boolean;
}) {
  return (
    <div class="card-data-warning" role="alert">
      <p>
        <strong>Card details were heard on this call</strong> at {formatTime(props.heardAt)}. They are removed from the
        transcript; the recording may hold them.
      </p>
      {props.recording ? <p>{RECORDING_SAYS[props.recording]}</p> : null}
      {props.live ? (
        <p>
          Never take card details by phone: steer the caller to the secure payment link
          {props.payLink ? (
            <>
              {" "}
              <a href={props.payLink}>{props.payLink}</a>
            </>
          ) : (
            " (send them a quote to pay)"
          )}
          .
        </p>
      ) : null}
      {props.live && props.recording === "paused" ? (
        <button type="button" hx-post={`/calls/${props.callId}/payment-talk-finished`} hx-target="#card-data">
          Payment talk finished
        </button>
      ) : null}
    </div>
  );
}

/** The same, from a live "card" event. */
export const CardDataLive = (props: { callId: string; notice: CardDataNotice; live: boolean }) => (
  <CardDataNoticeView
    callId={props.callId}
    heardAt={new Date(props.notice.heardAt)}
    recording={props.notice.recording}
    payLink={props.notice.payLink}
    live={props.live}
  />
);
