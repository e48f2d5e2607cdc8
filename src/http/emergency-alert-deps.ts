import type { EmergencyAlertDeps } from "../domain/scheduling/on-call-routing.ts";
import type { Log } from "../ports/log.ts";
import type { AppDeps } from "./deps.ts";

/** What the emergency texts need, from the app's deps (the media stream's live extraction uses it). */
export const emergencyAlertDeps = (deps: AppDeps, log: Log = deps.logger): EmergencyAlertDeps => ({
  onCall: deps.repos.onCall,
  engineers: deps.repos.engineers,
  messages: deps.repos.messages,
  liveEvents: deps.liveEvents,
  now: deps.now,
  poke: () => deps.backgroundTasks.poke(),
  log,
  staffNumbers: deps.twilio.staffNumbers,
  publicBaseUrl: deps.settings.publicBaseUrl,
});
