import type { CardDataDeps } from "../domain/live-call/card-data.ts";
import type { Log } from "../ports/log.ts";
import type { AppDeps } from "./deps.ts";

/** What the card-data rules need, from the app's deps: the media stream and the call page share it. */
export const cardDataDeps = (deps: AppDeps, log: Log = deps.logger): CardDataDeps => ({
  calls: deps.repos.calls,
  quotes: deps.repos.quotes,
  liveEvents: deps.liveEvents,
  audit: deps.repos.audit,
  log,
  now: deps.now,
  recordingPauses: deps.twilio.recordingPauses ?? null,
  publicBaseUrl: deps.settings.publicBaseUrl,
});
