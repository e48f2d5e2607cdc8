import { ok, reject, type Result } from "./result.ts";

/** Why a status write gated by a transition table wrote nothing. */
export type StatusWriteRefusal = "illegal_transition" | "not_found";

/** Allowed next states for each state; a state with none is final. */
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
  // A state read back from storage may be one this map does not know: refuse it, never crash.
  const allowed = nextStates(transitions, from);
  if (allowed.includes(to)) return ok(to);
  const hint = !Object.hasOwn(transitions, from)
    ? `${from} is not a ${what} status we know`
    : allowed.length === 0
      ? `${from} is final`
      : `from ${from} it can go to ${allowed.join(", ")}`;
  return reject("illegal_transition", `A ${what} cannot go from ${from} to ${to}: ${hint}.`);
}

/** The states `from` may move to; none for a final state or one the map does not know. */
export const nextStates = <S extends string>(transitions: Transitions<S>, from: S): readonly S[] =>
  Object.hasOwn(transitions, from) ? transitions[from] : [];

export const isFinal = <S extends string>(transitions: Transitions<S>, state: S): boolean =>
  nextStates(transitions, state).length === 0;

/**
 * The states the table lets move to `to`, in the table's order: the set a compare-and-set
 * write may start from.
 * @example statesLeadingTo(quoteTransitions, "declined") // ["sent", "viewed"]
 */
export const statesLeadingTo = <S extends string>(transitions: Transitions<S>, to: S): readonly S[] =>
  (Object.keys(transitions) as S[]).filter((from) => transitions[from].includes(to));

/**
 * `from` and every state reachable from it, in the table's order.
 * @example reachableFrom(quoteTransitions, "accepted") // ["accepted", "deposit_paid", "paid"]
 */
export function reachableFrom<S extends string>(transitions: Transitions<S>, from: S): readonly S[] {
  const seen = new Set<S>([from]);
  for (const state of seen) for (const next of nextStates(transitions, state)) seen.add(next);
  return (Object.keys(transitions) as S[]).filter((state) => seen.has(state));
}

/**
 * The shortest walk of legal steps from `from` to `to` (not counting `from`); empty when already
 * there, null when the table allows no way.
 * @example pathTo(leadTransitions, "new", "won") // ["quoted", "won"]
 */
export function pathTo<S extends string>(transitions: Transitions<S>, from: S, to: S): S[] | null {
  if (from === to) return [];
  const cameFrom = new Map<S, S>();
  const queue: S[] = [from];
  for (const state of queue) {
    for (const next of nextStates(transitions, state)) {
      if (next === from || cameFrom.has(next)) continue;
      cameFrom.set(next, state);
      if (next === to) {
        const path: S[] = [to];
        for (let step = state; step !== from; step = cameFrom.get(step)!) path.unshift(step);
        return path;
      }
      queue.push(next);
    }
  }
  return null;
}
