/**
 * How many login attempts are allowed in a window, by what they are counted against:
 * - one address trying one email: the strict limit, what a person mistyping gets;
 * - one email from anywhere: looser, so a single address cannot lock an account out for
 *   everyone, yet guessing spread over many addresses is still bounded;
 * - one address across every email: a ceiling well above what an office or a shared proxy
 *   mistypes, which stops one address spraying passwords over many accounts.
 */
export interface LoginLimits {
  perAddressAndEmail: number;
  perEmail: number;
  perAddress: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAddressAndEmail: 5, perEmail: 10, perAddress: 100 };

export interface LoginAttempt {
  /** As typed, lower-cased. */
  email: string;
  /** The client's address (see clientAddress in src/http). */
  address: string;
}

export type LoginAllowance = { allowed: true; succeeded(): void } | { allowed: false; retryAfterSeconds: number };

export interface LoginLimiter {
  /**
   * Counts an attempt before its password is checked, so parallel tries cannot all slip in
   * before the first failure is recorded; or refuses it (counting nothing) with the seconds to
   * wait. `succeeded()` after a right password: the pair starts afresh, and the attempt stops
   * counting against the email and the address, so only failures add up there.
   */
  attempt(attempt: LoginAttempt, now: Date): LoginAllowance;
}

/**
 * Sliding-window counts in this process's memory: a restart forgets, which only helps someone
 * locked out. With several instances each counts its own share (a limit per instance).
 * @example const limiter = createLoginLimiter(DEFAULT_LOGIN_LIMITS, 15);
 */
export function createLoginLimiter(limits: LoginLimits, windowMinutes: number): LoginLimiter {
  const windowMs = windowMinutes * 60_000;
  const counters = [
    {
      limit: limits.perAddressAndEmail,
      times: new Map<string, number[]>(),
      key: (a: LoginAttempt) => `${a.address} ${a.email}`,
    },
    { limit: limits.perEmail, times: new Map<string, number[]>(), key: (a: LoginAttempt) => a.email },
    { limit: limits.perAddress, times: new Map<string, number[]>(), key: (a: LoginAttempt) => a.address },
  ];
  let sweptAt = 0;

  const recent = (times: Map<string, number[]>, key: string, now: number) => {
    const kept = (times.get(key) ?? []).filter((t) => now - t < windowMs);
    if (kept.length === 0) times.delete(key);
    else times.set(key, kept);
    return kept;
  };
  // Keys nobody retries would otherwise stay for ever: an attacker's made-up emails, say.
  const sweep = (now: number) => {
    if (now - sweptAt < windowMs) return;
    sweptAt = now;
    for (const { times } of counters) for (const key of [...times.keys()]) recent(times, key, now);
  };
  const removeOne = (times: Map<string, number[]>, key: string, at: number) => {
    const list = times.get(key);
    const index = list?.lastIndexOf(at) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
    if (list?.length === 0) times.delete(key);
  };

  return {
    attempt(attempt, date) {
      const now = date.getTime();
      sweep(now);
      let wait = 0;
      for (const { limit, times, key } of counters) {
        const kept = recent(times, key(attempt), now);
        if (kept.length >= limit) wait = Math.max(wait, kept[kept.length - limit]! + windowMs - now);
      }
      if (wait > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
      for (const { times, key } of counters) times.set(key(attempt), [...(times.get(key(attempt)) ?? []), now]);
      return {
        allowed: true,
        succeeded() {
          const [pair, ...others] = counters;
          pair!.times.delete(pair!.key(attempt));
          for (const { times, key } of others) removeOne(times, key(attempt), now);
        },
      };
    },
  };
}
