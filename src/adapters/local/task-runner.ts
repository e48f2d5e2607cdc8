import type { Task, Tasks } from "../../ports/tasks.ts";
import type { Log } from "../../ports/log.ts";
import { startClaimHeartbeat } from "./claim-heartbeat.ts";
import { databaseErrorForLog } from "../db/pg-errors.ts";
import { nextAttemptAt, DEFAULT_RETRY, type RetryPolicy } from "../../domain/tasks/retry-policy.ts";
import { isTaskKind, taskPayloads, type TaskKind, type TaskPayload } from "../../domain/tasks/kinds.ts";

/** Handles one kind of task: receives its payload already parsed by the kind's schema, and the task's record. */
export type TaskHandler<K extends TaskKind = TaskKind> = (payload: TaskPayload<K>, task: Task) => Promise<void>;
/** The handlers compose binds, one per kind (a kind without one fails its tasks for good). */
export type TaskHandlers = { [K in TaskKind]?: TaskHandler<K> };

/**
 * Parses a task's payload with its kind's schema. A payload that does not parse will not parse on
 * a later attempt either, so the caller fails the task for good with this reason.
 */
export function parseTaskPayload(
  task: Pick<Task, "kind" | "payload">,
): { ok: true; kind: TaskKind; payload: TaskPayload<TaskKind> } | { ok: false; reason: string } {
  if (!isTaskKind(task.kind)) return { ok: false, reason: `unknown task kind "${task.kind}"` };
  const parsed = taskPayloads[task.kind].safeParse(task.payload);
  if (!parsed.success)
    return {
      ok: false,
      reason: `payload of a "${task.kind}" task does not parse: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`).join("; ")}`,
    };
  return { ok: true, kind: task.kind, payload: parsed.data };
}

/**
 * What a failed attempt records: the error's message, but a database error only by its code and
 * names, since drizzle's message quotes the query's parameters (the message being stored, say).
 */
function failureText(error: unknown): string {
  const database = databaseErrorForLog(error);
  if (database) {
    const { type: _, ...names } = database;
    return `database error ${Object.entries(names)
      .map(([key, value]) => `${key} ${value}`)
      .join(", ")}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export interface TaskRunner {
  /** Looks for due jobs now rather than at the next tick (after a webhook enqueued one). */
  poke(): void;
  /** Runs every due job once; for tests and the command line. Resolves when they are done. */
  runDue(): Promise<number>;
  /**
   * Claims nothing more and waits for the jobs running; with `graceMs`, at most that long, then
   * lets go of the claims of those still running so another instance takes them at once (a
   * shutting-down instance must not hold a big download for minutes, nor leave it for the claim
   * to run out). A job let go of is cut off where it stood, as by kill -9, and resumes elsewhere.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/**
 * How long a claim holds a job. Short, so a job whose instance died (kill -9, lost machine) is
 * claimed again by another within about this long (plus one poll); the instance running the job
 * renews the hold every third of it for as long as the job runs, so a long one (a big recording)
 * is never claimed twice while its instance lives.
 */
export const TASK_CLAIM_MS = 30_000;

/**
 * Runs durable jobs from the database: claims due ones (up to `batch` at once, default 5), runs
 * the handler for their kind, and records success or the failure with the next attempt's time. A
 * job whose handler throws is retried with backoff; after the policy's last attempt it is marked
 * failed, never lost.
 */
export function startTaskRunner(
  deps: { tasks: Tasks; log: Log; now: () => Date },
  handlers: TaskHandlers,
  options: {
    intervalMs?: number;
    policy?: RetryPolicy;
    batch?: number;
    autoStart?: boolean;
    /** This instance's id, which its claims carry (default: a fresh one). */
    owner?: string;
    /** How long a claim holds (default TASK_CLAIM_MS); renewed every third of it while the job runs. */
    claimMs?: number;
  } = {},
): TaskRunner {
  const policy = options.policy ?? DEFAULT_RETRY;
  const batch = options.batch ?? 5;
  const owner = options.owner ?? crypto.randomUUID();
  const claimMs = options.claimMs ?? TASK_CLAIM_MS;
  /** A runDue() in progress (tests, the command line); the server's loop waits for it. */
  let running: Promise<number> | null = null;
  let stopped = false;
  const heartbeat = startClaimHeartbeat({ ...deps, owner, claimMs });

  async function runOne(job: Task) {
    heartbeat.hold(job.id);
    try {
      await runHeld(job);
    } finally {
      heartbeat.let(job.id);
    }
  }

  async function runHeld(job: Task) {
    const now = () => deps.now();
    const handler = isTaskKind(job.kind) ? (handlers[job.kind] as TaskHandler | undefined) : undefined;
    if (!handler) {
      await deps.tasks.fail(job.id, `no handler for job kind "${job.kind}"`, null, now(), owner);
      return;
    }
    const parsed = parseTaskPayload(job);
    if (!parsed.ok) {
      await deps.tasks.fail(job.id, parsed.reason, null, now(), owner);
      deps.log.warn(
        { jobId: job.id, kind: job.kind, reason: parsed.reason },
        "task refused: its payload does not parse; not retried",
      );
      return;
    }
    try {
      await handler(parsed.payload, job);
      await deps.tasks.complete(job.id, now());
    } catch (error) {
      const message = failureText(error);
      const retryAt = nextAttemptAt(policy, job.attempts + 1, now());
      await deps.tasks.fail(job.id, message, retryAt, now(), owner);
      deps.log.warn(
        { jobId: job.id, kind: job.kind, attempts: job.attempts + 1, retryAt, err: error },
        retryAt ? "job failed; will retry" : "job failed for good",
      );
    }
  }

  async function runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await deps.tasks.claimDue(deps.now(), batch, claimMs, owner);
      if (due.length === 0) return total;
      await Promise.all(due.map(runOne));
      total += due.length;
    }
  }

  // The server's loop: up to `batch` jobs run at once, and a slot is refilled as soon as its job
  // ends, so one long job (a big recording) never holds up the sends and downloads behind it.
  const inFlight = new Set<Promise<void>>();
  let claiming: Promise<void> | null = null;

  async function fillSlots() {
    while (!stopped && inFlight.size < batch) {
      const due = await deps.tasks.claimDue(deps.now(), batch - inFlight.size, claimMs, owner);
      if (due.length === 0) return;
      for (const job of due) {
        const run: Promise<void> = runOne(job)
          .catch((error: unknown) =>
            deps.log.error({ err: error, jobId: job.id }, "job runner could not reach the database"),
          )
          .finally(() => {
            inFlight.delete(run);
            tick();
          });
        inFlight.add(run);
      }
    }
  }

  const tick = () => {
    if (stopped || claiming || running) return;
    claiming = fillSlots()
      .catch((error: unknown) => deps.log.error({ err: error }, "job runner could not reach the database"))
      .finally(() => {
        claiming = null;
      });
  };

  const timer = options.autoStart === false ? null : setInterval(tick, options.intervalMs ?? 2_000);
  timer?.unref?.();

  /** Until the server's loop has nothing claimed or running. */
  const settled = async () => {
    while (claiming || inFlight.size > 0) await Promise.all([claiming, ...inFlight]);
  };

  return {
    poke: () => queueMicrotask(tick),
    runDue: async () => {
      while (running) await running;
      await settled();
      running = runDue().finally(() => {
        running = null;
      });
      return running;
    },
    async stop(stopOptions = {}) {
      stopped = true;
      if (timer) clearInterval(timer);
      const finished = (async () => {
        if (running) await running.catch(() => 0);
        await settled();
      })();
      const graceMs = stopOptions.graceMs;
      const inTime =
        graceMs === undefined
          ? await finished.then(() => true)
          : await Promise.race([finished.then(() => true), Bun.sleep(graceMs).then(() => false)]);
      heartbeat.stop();
      if (inTime) return;
      const unfinished = heartbeat.held();
      const released = await deps.tasks.release(unfinished, owner).catch((error: unknown) => {
        deps.log.warn({ err: error }, "could not let go of the running jobs' claims; they lapse in 30 s");
        return [];
      });
      deps.log.warn(
        { jobIds: released, running: unfinished.length },
        "stopped with jobs still running; let go of for another instance",
      );
    },
  };
}
