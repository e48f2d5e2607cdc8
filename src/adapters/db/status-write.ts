import { ok, reject, type Result } from "../../domain/result.ts";
import { statesLeadingTo, transition, type StatusWriteRefusal, type Transitions } from "../../domain/state-machine.ts";

/**
 * A status write gated by the domain's transition table: `move` compares-and-sets from the states
 * the table lets lead to `to`, so a change made meanwhile is never overwritten by an illegal one.
 * When nothing moved, `current` reads the row back to say why: gone, the table's refusal, or a
 * change that raced this one.
 * @example writeStatus(issueTransitions, "job", id, "done", { move, current })
 */
export async function writeStatus<S extends string>(
  table: Transitions<S>,
  what: string,
  to: S,
  io: { move(from: readonly S[]): Promise<boolean>; current(): Promise<S | null> },
): Promise<Result<S, StatusWriteRefusal>> {
  const from = statesLeadingTo(table, to);
  if (from.length > 0 && (await io.move(from))) return ok(to);
  const status = await io.current();
  if (status === null) return reject("not_found", `There is no such ${what}.`);
  const refused = transition(table, status, to, what);
  return refused.ok
    ? reject("illegal_transition", `The ${what} changed while this was being saved. Try again.`)
    : refused;
}
