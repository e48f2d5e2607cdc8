import { describe, expect, test } from "bun:test";
import { pacedSerial } from "../../../src/adapters/local/paced-serial.ts";
import type { Task } from "../../../src/ports/tasks.ts";

const aTask = (kind: string, id = kind): Task => ({
  id,
  kind,
  key: id,
  payload: null,
  attempts: 0,
  lastError: null,
  nextAttemptAt: new Date(),
  doneAt: null,
  failedAt: null,
});

/** A handler that records when it starts and ends, taking `ms`. */
function recorder(log: string[], name: string, ms: number, fail = false) {
  return async (_task?: Task) => {
    log.push(`${name} start`);
    await Bun.sleep(ms);
    log.push(`${name} end`);
    if (fail) throw new Error(`${name} failed`);
  };
}

describe("pacedSerial", () => {
  test("handlers wrapped together run one job at a time, in the order they were given", async () => {
    const log: string[] = [];
    const handlers = pacedSerial({ a: recorder(log, "a", 20), b: recorder(log, "b", 5) });
    await Promise.all([handlers.a!(aTask("a")), handlers.b!(aTask("b")), handlers.a!(aTask("a", "a2"))]);
    expect(log).toEqual(["a start", "a end", "b start", "b end", "a start", "a end"]);
  });

  test("after a job the next waits about twice as long as that one took", async () => {
    const starts: number[] = [];
    const handlers = pacedSerial({
      a: async (_task?: Task) => {
        starts.push(performance.now());
        await Bun.sleep(30);
      },
    });
    await Promise.all([handlers.a!(aTask("a")), handlers.a!(aTask("a", "a2"))]);
    // 30 ms of work, then about 60 ms of rest.
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(85);
  });

  test("a failing job rejects for the runner to retry, and the queue goes on", async () => {
    const log: string[] = [];
    const handlers = pacedSerial({ bad: recorder(log, "bad", 1, true), good: recorder(log, "good", 1) });
    const [bad, good] = await Promise.allSettled([handlers.bad!(aTask("bad")), handlers.good!(aTask("good"))]);
    expect(bad.status).toBe("rejected");
    expect(good.status).toBe("fulfilled");
    expect(log).toEqual(["bad start", "bad end", "good start", "good end"]);
  });

  test("handlers wrapped apart keep separate queues (quotes do not wait behind messaging)", async () => {
    const log: string[] = [];
    const messaging = pacedSerial({ send: recorder(log, "send", 40) });
    const quotes = pacedSerial({ settle: recorder(log, "settle", 5) });
    await Promise.all([messaging.send!(aTask("send")), quotes.settle!(aTask("settle"))]);
    expect(log).toEqual(["send start", "settle start", "settle end", "send end"]);
  });
});
