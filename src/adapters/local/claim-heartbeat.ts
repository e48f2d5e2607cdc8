import type { Log } from "../../ports/log.ts";
import type { Tasks } from "../../ports/tasks.ts";

/**
 * Renews the claims on the jobs a task runner is running, every third of a claim, while there are
 * any: in one statement for all of them. A failed renewal is retried at the next beat (two more
 * before the claim runs out); a job found no longer held (the hold lapsed and another took it)
 * is logged, since it may now run twice.
 */
export function startClaimHeartbeat(deps: { tasks: Tasks; log: Log; now: () => Date; owner: string; claimMs: number }) {
  const held = new Set<string>();
  let timer: ReturnType<typeof setInterval> | null = null;
  let beating = false;
  const beat = async () => {
    if (beating || held.size === 0) return;
    beating = true;
    const ids = [...held];
    try {
      const renewed = new Set(await deps.tasks.renew(ids, deps.owner, new Date(deps.now().getTime() + deps.claimMs)));
      // Those finished meanwhile left `held`; any other not renewed was taken over.
      const lost = ids.filter((id) => held.has(id) && !renewed.has(id));
      if (lost.length > 0)
        deps.log.warn({ jobIds: lost }, "job claims lapsed while running (another instance may run them too)");
    } catch (error) {
      deps.log.warn({ err: error }, "renewing job claims failed; retrying next beat");
    } finally {
      beating = false;
    }
  };
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  return {
    hold(id: string) {
      held.add(id);
      if (timer) return;
      timer = setInterval(() => void beat(), Math.max(1, Math.floor(deps.claimMs / 3)));
      timer.unref?.();
    },
    /** The job ended (done, failed or to be retried): its claim is no longer renewed. */
    let(id: string) {
      held.delete(id);
      if (held.size === 0) stopTimer();
    },
    stop: stopTimer,
    /** The jobs whose claims are being renewed now (still running). */
    held: () => [...held],
  };
}
