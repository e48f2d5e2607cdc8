/**
 * A token bucket that makes callers wait their turn: at most `perSecond` calls a second on
 * average, `burst` at once after a quiet spell. Nothing is refused or dropped: each `take()`
 * resolves in the order it was asked, when a token is free. What waits here is already
 * durable (an outbox job claimed from the database), so a restart loses nothing.
 *
 * @example
 * const twilioSms = createRatePacer({ perSecond: 1 }); // one message a second per long-code number
 * await twilioSms.take();
 * await client.messages.create(…);
 */
export function createRatePacer(options: { perSecond: number; burst?: number }) {
  const capacity = options.burst ?? 1;
  const intervalMs = 1000 / options.perSecond;
  let tokens = capacity;
  let refilledAt = performance.now();
  const waiting: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const refill = () => {
    const at = performance.now();
    tokens = Math.min(capacity, tokens + (at - refilledAt) / intervalMs);
    refilledAt = at;
  };

  const release = () => {
    timer = null;
    refill();
    while (waiting.length > 0 && tokens >= 1) {
      tokens -= 1;
      waiting.shift()!();
    }
    if (waiting.length > 0) timer = setTimeout(release, Math.ceil((1 - tokens) * intervalMs));
  };

  return {
    /** Resolves when this caller may make its call. */
    take(): Promise<void> {
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (!timer) release();
      });
    },
    /** Callers waiting for a token now. */
    waiting: () => waiting.length,
  };
}

export type RatePacer = ReturnType<typeof createRatePacer>;
