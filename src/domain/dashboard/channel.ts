import { defineChannel } from "../../ports/live-events.ts";
import type { DashboardPart } from "./figures.ts";

/**
 * Tells every instance that data behind parts of the dashboard changed, so each re-reads those
 * parts before it next shows them; `calls` and `leads`: rows changed that matter only where an
 * instance's dashboard shows them (./touches.ts, ShownOnly). `by`: the instance that wrote (it
 * knew at once, and ignores its own echo). Not kept for replay: the next one says the same, and
 * an instance that missed some (its LISTEN connection dropped) re-reads on its timer (./summary.ts).
 */
export type DashboardEvent = {
  type: "stale";
  data: { parts: DashboardPart[]; calls?: string[]; leads?: string[]; by: string };
};

export const DASHBOARD_CHANNEL = defineChannel<DashboardEvent>("dashboard", { stale: "transient" });
