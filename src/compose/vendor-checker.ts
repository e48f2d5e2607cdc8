import type { Log } from "../ports/log.ts";
import type { VendorCheck, VendorCheckOutcome, VendorCheckResult, VendorChecks } from "../ports/vendor-check.ts";

export interface VendorChecker extends VendorChecks {
  /** Checks every vendor now, in the background, then every `intervalMs`. Returns at once. */
  start(): void;
  /** Stops the repeats (shutdown); a check in flight finishes on its own. */
  stop(): void;
}

/** The start-up log's words for each outcome, as the seed writes them ("[Twilio] Connected"). */
export function vendorCheckLine(vendor: string, outcome: VendorCheckOutcome): string {
  switch (outcome.state) {
    case "working":
      return `[${vendor}] Connected`;
    case "refused":
      return `[${vendor}] key refused: check ${outcome.variable} (${outcome.reason})`;
    case "unreachable":
      return `[${vendor}] unreachable: ${outcome.reason}`;
  }
}

/**
 * Runs each configured vendor's key check with a timeout, keeps the latest result for the
 * integrations page, and logs one line per vendor: at the first check and whenever the outcome
 * changes (a repeat that finds the same thing says nothing, so the log is not a metronome).
 * The repeating timer is unref'd: it never keeps the process alive.
 *
 * @example
 * const checker = createVendorChecker({ checks, log, now: () => new Date() });
 * checker.start(); // start-up does not wait
 */
export function createVendorChecker(deps: {
  checks: VendorCheck[];
  log: Log;
  now: () => Date;
  /** Per check; an SDK that ignores the abort is raced against it. Default 10 s. */
  timeoutMs?: number;
  /** Default 5 minutes. */
  intervalMs?: number;
}): VendorChecker {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const within = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
  const results = new Map<string, VendorCheckResult>();
  const inFlight = new Map<string, Promise<VendorCheckResult>>();
  let timer: ReturnType<typeof setInterval> | null = null;

  async function runOne(check: VendorCheck): Promise<VendorCheckResult> {
    const controller = new AbortController();
    let timedOut: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<VendorCheckOutcome>((resolve) => {
      timedOut = setTimeout(() => {
        controller.abort();
        resolve({ state: "unreachable", reason: `no answer within ${within}` });
      }, timeoutMs);
    });
    const outcome = await Promise.race([
      check.check(controller.signal).catch(
        (error: unknown): VendorCheckOutcome => ({
          state: "unreachable",
          reason: error instanceof Error ? error.message : String(error),
        }),
      ),
      deadline,
    ]).finally(() => clearTimeout(timedOut));
    const result = { vendor: check.vendor, outcome, checkedAt: deps.now() };
    const before = results.get(check.vendor)?.outcome;
    results.set(check.vendor, result);
    if (!before || before.state !== outcome.state) {
      const fields = { integration: check.vendor, check: outcome.state };
      if (outcome.state === "working") deps.log.info(fields, vendorCheckLine(check.vendor, outcome));
      else deps.log.warn(fields, vendorCheckLine(check.vendor, outcome));
    }
    return result;
  }

  /** One check per vendor at a time: a second request while one runs shares its answer. */
  function checkOnce(check: VendorCheck): Promise<VendorCheckResult> {
    const running = inFlight.get(check.vendor);
    if (running) return running;
    const run = runOne(check).finally(() => inFlight.delete(check.vendor));
    inFlight.set(check.vendor, run);
    return run;
  }

  const checkNow = (vendor?: string) =>
    Promise.all(deps.checks.filter((c) => vendor === undefined || c.vendor === vendor).map(checkOnce));

  return {
    latest: () => [...results.values()],
    vendors: () => deps.checks.map((c) => c.vendor),
    checkNow,
    start() {
      if (timer || deps.checks.length === 0) return;
      void checkNow();
      timer = setInterval(() => void checkNow(), deps.intervalMs ?? 5 * 60_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
