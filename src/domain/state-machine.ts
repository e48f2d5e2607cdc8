import { ok, reject, type Result } from "./result.ts";

/** Allowed next states for each state; a state missing from the map is final. */
export type Transitions<S extends string> = Record<S, readonly S[]>;

/**
 * Decides whether `from → to` is allowed by `transitions`.
 * @example transition(issueTransitions, "open", "done", "issue") // rejected with a reason
 */
export function transition<S extends string>(
  transitions: Transitions<S>,
  from: S,
  to: S,
  what: string,
): Result<S, "illegal_transition"> {
  if (transitions[from].includes(to)) return ok(to);
  const allowed = transitions[from];
  const hint = allowed.length === 0 ? `${from} is final` : `from ${from} it can go to ${allowed.join(", ")}`;
  return reject("illegal_transition", `A ${what} cannot go from ${from} to ${to}: ${hint}.`);
}

export const isFinal = <S extends string>(transitions: Transitions<S>, state: S): boolean =>
  transitions[state].length === 0;
