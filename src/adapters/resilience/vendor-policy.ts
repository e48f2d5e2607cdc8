import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
} from "cockatiel";
import { isTransient } from "./transient.ts";

export interface VendorPolicyOptions {
  /** As the integrations page names it: "Twilio", "Stripe"… */
  vendor: string;
  /** Each attempt's limit, ms. */
  timeoutMs: number;
  /** Further attempts after the first, for transient failures of calls that may be repeated. */
  retries: number;
  /** The first retry's delay, ms; later ones grow exponentially with decorrelated jitter, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Transient failures in a row that open the circuit. */
  breakAfter: number;
  /** How long an open circuit fails fast before one trial call is let through (half-open), ms. */
  halfOpenAfterMs: number;
  /** Clock for the circuit's times on the integrations page. */
  now?: () => Date;
}

/** An open circuit as the integrations page tells it. */
export type CircuitReport =
  | { state: "closed" }
  | { state: "open"; since: Date; retryAt: Date }
  | { state: "half-open"; since: Date };

/** Thrown instead of calling the vendor while its circuit is open: nothing was sent. */
export class CircuitOpenError extends Error {
  readonly retryable = true;
  constructor(
    readonly vendor: string,
    readonly since: Date,
    readonly retryAt: Date,
  ) {
    super(`${vendor} is failing: circuit open since ${since.toISOString()}, retrying at ${retryAt.toISOString()}`);
    this.name = "CircuitOpenError";
  }
}

/**
 * One vendor's resilience, shared by every call its adapters make: a timeout per attempt, a
 * circuit breaker so an outage fails fast instead of piling up waits, and — only for calls that
 * may be repeated — retries of transient failures (network, 408, 429, 5xx; never another 4xx)
 * with jittered exponential backoff. A call that is not idempotent (an SMS, a WhatsApp message)
 * is never retried here: the durable outbox decides, from what the vendor answered. The SDKs'
 * own retries are turned off where this policy runs, so attempts are not multiplied.
 *
 * @example
 * const twilio = createVendorPolicy({ vendor: "Twilio", ...DEFAULTS });
 * await twilio.run((signal) => client.api.v2010.accounts(sid).fetch(), { retry: true });
 */
export function createVendorPolicy(options: VendorPolicyOptions) {
  const now = options.now ?? (() => new Date());
  const transient = handleWhen(isTransient);
  const breaker = circuitBreaker(transient, {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakAfter),
  });
  let openedAt: Date | null = null;
  breaker.onBreak(() => {
    openedAt = now();
  });
  breaker.onReset(() => {
    openedAt = null;
  });
  // Not aborted when the call returns: a response body (an S3 object) may still be streaming.
  const attempt = timeout(options.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  const retrying = retry(transient, {
    maxAttempts: options.retries,
    backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs }),
  });
  const once = wrap(breaker, attempt);
  const repeated = wrap(retrying, breaker, attempt);

  const report = (): CircuitReport => {
    const since = openedAt ?? now();
    if (breaker.state === CircuitState.HalfOpen) return { state: "half-open", since };
    if (breaker.state !== CircuitState.Open) return { state: "closed" };
    const retryAt = new Date(since.getTime() + options.halfOpenAfterMs);
    // cockatiel half-opens lazily, on the next call after the wait: until then it says "open".
    return retryAt <= now() ? { state: "half-open", since } : { state: "open", since, retryAt };
  };

  return {
    vendor: options.vendor,
    /**
     * Runs one vendor call under the policy. `retry: true` only for calls that are safe to
     * repeat (reads, or writes carrying an idempotency key). The signal aborts on the timeout.
     */
    async run<T>(call: (signal: AbortSignal) => Promise<T>, how: { retry: boolean }): Promise<T> {
      try {
        return await (how.retry ? repeated : once).execute(({ signal }) => call(signal));
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          const since = openedAt ?? now();
          throw new CircuitOpenError(options.vendor, since, new Date(since.getTime() + options.halfOpenAfterMs));
        }
        throw error;
      }
    },
    circuit: report,
  };
}

export type VendorPolicy = ReturnType<typeof createVendorPolicy>;
