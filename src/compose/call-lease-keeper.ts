import type { Call } from "../domain/calls.ts";
import { leaseTimings } from "../domain/live-call/lapsed-calls.ts";
import type { CallLeases } from "../ports/call-leases.ts";
import type { Log } from "../ports/log.ts";

/** The calls this instance streams, held under leases; and the sweep that closes other instances' lapsed ones. */
export interface CallLeaseKeeper {
  /** This instance now streams the call: hold it under a lease (renewed until released). */
  hold(callId: string): Promise<void>;
  /**
   * The call was just stored (the incoming-call webhook): hold it from now, unless someone does,
   * so a call whose instance dies before its stream opens is closed by another too.
   */
  holdRinging(callId: string): Promise<boolean>;
  /** The provider says the call is over and no instance streamed it: let it go, whoever holds it. */
  releaseUnstreamed(callId: string): Promise<void>;
  /** The call's stream ended and it was filed: let it go. */
  release(callId: string): Promise<void>;
  /** Renews this instance's leases and sweeps for lapsed ones every third of a lease; sweeps once at once (a restart finds its own dead calls). */
  start(): void;
  /** Stops both timers and waits for a sweep in flight (shutdown, before the database closes). */
  stop(): Promise<void>;
  /** One sweep now: how many lapsed calls it closed. */
  sweep(): Promise<number>;
}

/** Calls closed per sweep: a dead instance's backlog is worked through a batch a tick. */
const SWEEP_BATCH = 20;

export function createCallLeaseKeeper(deps: {
  leases: CallLeases;
  /** This instance's id (fresh at each start), the lease owner. */
  owner: string;
  leaseSeconds: number;
  /** Closes one claimed call (closeLapsedCall with its ports). */
  close: (call: Call) => Promise<unknown>;
  log: Log;
  now: () => Date;
}): CallLeaseKeeper {
  const { leaseMs, renewEveryMs, sweepEveryMs } = leaseTimings(deps.leaseSeconds);
  const until = () => new Date(deps.now().getTime() + leaseMs);
  let timers: ReturnType<typeof setInterval>[] = [];
  let sweeping: Promise<number> | null = null;

  const sweepOnce = async (): Promise<number> => {
    const claimed = await deps.leases.claimLapsed(deps.owner, deps.now(), until(), SWEEP_BATCH);
    let closed = 0;
    for (const call of claimed) {
      try {
        await deps.close(call);
        closed++;
      } catch (error) {
        // The lease stays ours and lapses again: the next sweep (here or elsewhere) retries it.
        deps.log.error({ err: error, callId: call.id, callSid: call.providerCallId }, "closing a lapsed call failed");
      }
    }
    return closed;
  };
  const sweep = () => {
    sweeping ??= sweepOnce().finally(() => (sweeping = null));
    return sweeping;
  };
  const sweepInBackground = () =>
    void sweep().catch((error: unknown) => deps.log.error({ err: error }, "call lease sweep failed"));
  const renewInBackground = () =>
    void deps.leases
      .renew(deps.owner, until())
      .catch((error: unknown) => deps.log.warn({ err: error }, "renewing call leases failed; retrying next beat"));

  return {
    hold: (callId) => deps.leases.hold(callId, deps.owner, until()),
    holdRinging: (callId) => deps.leases.holdIfFree(callId, deps.owner, until()),
    releaseUnstreamed: (callId) => deps.leases.releaseAny(callId),
    release: (callId) => deps.leases.release(callId, deps.owner),
    sweep,
    start() {
      if (timers.length > 0) return;
      timers = [setInterval(renewInBackground, renewEveryMs), setInterval(sweepInBackground, sweepEveryMs)];
      for (const timer of timers) timer.unref?.();
      sweepInBackground();
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      timers = [];
      await sweeping?.catch(() => 0);
    },
  };
}
