import { raw } from "hono/html";
import type { BoardFigures, BoardCall } from "../domain/board/figures.ts";
import { formatDateTime, formatTime } from "../domain/london-time.ts";
import { formatPence } from "../domain/money.ts";
import { assetUrl } from "./assets.ts";
import { callStatusWords } from "./format.ts";

export type BoardTheme = "dark" | "light";

/** What the page needs besides its figures: where to re-read them and where to listen. */
export interface BoardAddresses {
  /** The figures fragment (the page's own address: HX-Request answers the fragment). */
  figures: string;
  stream: string;
}

const callWords = (call: BoardCall) =>
  call.status === "in-progress" ? "Talking" : call.status === "queued" ? "Waiting" : callStatusWords(call.status);

/** One figure in type readable across a room. */
const Tile = (props: { id: string; label: string; value: string; tone?: "alert"; children?: unknown }) => (
  <section
    class={`board-tile${props.tone ? ` board-${props.tone}` : ""}`}
    id={props.id}
    aria-labelledby={`${props.id}-label`}
  >
    <h2 id={`${props.id}-label`}>{props.label}</h2>
    <p class="board-value" data-figure={props.id}>
      {props.value}
    </p>
    {props.children}
  </section>
);

/** The figures, swapped whole on each re-read: a pure function of what the database said at `at`. */
export function BoardFiguresPart(props: { figures: BoardFigures; at: Date }) {
  const { liveCalls, missedWaiting, emergenciesOpen, engineers, money } = props.figures;
  return (
    <div id="board-figures" class="board-grid" data-read-at={props.at.toISOString()}>
      <Tile id="live-calls" label="Calls now" value={String(liveCalls.count)}>
        <ul class="board-list">
          {liveCalls.shown.map((call) => (
            <li>
              <span>{call.caller ?? "Withheld"}</span> <span>{callWords(call)}</span>{" "}
              <span class="board-quiet">since {formatTime(call.startedAt)}</span>
              {call.emergency ? <strong class="board-flag"> Emergency</strong> : null}
            </li>
          ))}
        </ul>
      </Tile>
      <Tile
        id="missed-waiting"
        label="Missed calls to return"
        value={String(missedWaiting.count)}
        tone={missedWaiting.count > 0 ? "alert" : undefined}
      >
        {missedWaiting.oldestAt ? <p class="board-quiet">oldest {formatDateTime(missedWaiting.oldestAt)}</p> : null}
      </Tile>
      <Tile
        id="emergencies"
        label="Emergencies open"
        value={String(emergenciesOpen)}
        tone={emergenciesOpen > 0 ? "alert" : undefined}
      />
      <Tile id="engineers" label="Engineers out" value={`${engineers.enRoute} en route · ${engineers.onSite} on site`}>
        <ul class="board-list">
          {engineers.shown.map((engineer) => (
            <li>
              <span>{engineer.name}</span> <span>{engineer.status === "on_site" ? "on site" : "en route"}</span>{" "}
              <span class="board-quiet">since {formatTime(engineer.since)}</span>
            </li>
          ))}
        </ul>
      </Tile>
      <Tile id="money" label="Taken today" value={formatPence(money.paidPence)}>
        <p class="board-quiet">
          {money.paidCount} {money.paidCount === 1 ? "payment" : "payments"}; deposits{" "}
          {formatPence(money.depositsPence)} ({money.depositsCount})
        </p>
      </Tile>
      <p class="board-updated board-quiet">Updated {formatTime(props.at)}</p>
    </div>
  );
}

/**
 * The office wall board: full screen, no navigation, big type, dark unless asked otherwise. It
 * re-reads its figures when the live stream says something changed and whenever the stream
 * (re)connects (src/views/board.js); without script it is a page a TV can reload.
 */
export function BoardPage(props: {
  companyName: string;
  figures: BoardFigures;
  at: Date;
  theme: BoardTheme;
  addresses: BoardAddresses;
}) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en-GB">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title>{`Board · ${props.companyName}`}</title>
          <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href={assetUrl("board.css")} />
          <script src={assetUrl("board.js")} defer></script>
        </head>
        <body
          class={`board board-${props.theme}`}
          data-figures={props.addresses.figures}
          data-stream={props.addresses.stream}
        >
          <header class="board-head">
            <h1>{props.companyName}</h1>
            <p id="board-status" class="board-quiet" role="status" aria-live="polite"></p>
          </header>
          <main>
            <BoardFiguresPart figures={props.figures} at={props.at} />
          </main>
        </body>
      </html>
    </>
  );
}
