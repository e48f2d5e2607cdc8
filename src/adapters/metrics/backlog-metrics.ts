import { Gauge, type Registry } from "prom-client";
import type { TaskBacklog } from "../../ports/tasks.ts";

/** Where the scrape reads the durable work still waiting (the database, at the moment of scraping). */
export interface BacklogSources {
  /** Jobs neither done nor given up, by kind. */
  jobs(): Promise<TaskBacklog[]>;
  /** Outbound messages waiting to go: queued, or claimed and being sent. */
  outboxDepth(): Promise<number>;
  /** Every job kind, shown at 0 while none is waiting (a series that vanished would look stale). */
  jobKinds: readonly string[];
  /** The database did not answer: the scrape goes on without these figures. */
  onError(error: unknown): void;
}

/** One read shared by the gauges that a single scrape collects at once. */
function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= read().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}

/**
 * Job queue depth and oldest job's age by kind, and the outbox's depth, read from the database
 * when scraped (so every instance reports the shared queue, not what it happened to enqueue).
 * A database that does not answer leaves these series out of that scrape rather than failing it.
 * @example collectBacklogMetrics(registry, { jobs: () => repos.tasks.backlog(), … })
 */
export function collectBacklogMetrics(registry: Registry, sources: BacklogSources): void {
  const jobs = sharedRead(() => sources.jobs());
  const byKind = async (value: (job: TaskBacklog | undefined) => number, gauge: Gauge<"kind">) => {
    gauge.reset();
    let backlog: TaskBacklog[];
    try {
      backlog = await jobs();
    } catch (error) {
      sources.onError(error);
      return;
    }
    const kinds = new Set([...sources.jobKinds, ...backlog.map((job) => job.kind)]);
    for (const kind of kinds) gauge.labels(kind).set(value(backlog.find((job) => job.kind === kind)));
  };

  new Gauge({
    name: "switchboard_job_queue_depth",
    help: "Durable jobs waiting (due, retrying later, or running), by kind.",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      await byKind((job) => job?.depth ?? 0, this);
    },
  });
  new Gauge({
    name: "switchboard_job_queue_oldest_age_seconds",
    help: "Age of the oldest durable job still waiting, by kind (0 when none is).",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      await byKind((job) => job?.oldestAgeSeconds ?? 0, this);
    },
  });
  new Gauge({
    name: "switchboard_outbox_depth",
    help: "WhatsApp and SMS messages waiting to be sent (queued or being sent).",
    registers: [registry],
    async collect() {
      this.reset();
      try {
        this.set(await sources.outboxDepth());
      } catch (error) {
        sources.onError(error);
      }
    },
  });
}
