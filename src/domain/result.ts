/**
 * Expected outcomes are values, not exceptions: a rule either allows something
 * or rejects it with a machine-readable reason and a sentence for people.
 */
export type Rejection<R extends string = string> = { ok: false; reason: R; message: string };
export type Result<T, R extends string = string> = { ok: true; value: T } | Rejection<R>;

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export const reject = <R extends string>(reason: R, message: string): Rejection<R> => ({
  ok: false,
  reason,
  message,
});
