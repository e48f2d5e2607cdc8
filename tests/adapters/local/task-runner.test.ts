import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { parseTaskPayload, startTaskRunner } from "../../../src/adapters/local/task-runner.ts";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { RECORDING_TASK, SEND_TASK, type TaskPayload } from "../../../src/domain/tasks/kinds.ts";
import { freshPglite } from "../../support/test-db.ts";

let repos: OpenDatabase;
beforeAll(async () => {
  repos = await freshPglite();
});
afterAll(async () => {
  await repos?.close();
});

const now = () => new Date("2026-11-20T09:00:00Z");
const log = pino({ level: "silent" });

describe("task payloads are parsed with their kind's schema", () => {
  test("a well-formed payload reaches its handler, typed", async () => {
    const seen: { payload: TaskPayload<typeof RECORDING_TASK>; key: string }[] = [];
    await repos.tasks.enqueue({
      kind: RECORDING_TASK,
      key: "RE-good",
      payload: { callSid: "CA1", recordingSid: "RE-good", recordingUrl: "https://api.twilio.com/RE-good" },
      runAt: now(),
    });
    const runner = startTaskRunner(
      { tasks: repos.tasks, log, now },
      { [RECORDING_TASK]: async (payload, task) => void seen.push({ payload, key: task.key }) },
      { autoStart: false },
    );
    expect(await runner.runDue()).toBe(1);
    expect(seen).toEqual([
      {
        payload: { callSid: "CA1", recordingSid: "RE-good", recordingUrl: "https://api.twilio.com/RE-good" },
        key: "RE-good",
      },
    ]);
    expect((await repos.tasks.byKey(RECORDING_TASK, "RE-good"))!.doneAt).not.toBeNull();
    await runner.stop();
  });

  test("a payload that does not parse is refused with a reason, failed for good and never retried", async () => {
    let called = 0;
    // A row an older release (or a hand edit) could have written: the type check refuses it, so it is forced here.
    const broken = { callSid: "CA1", recordingSid: 42 } as unknown as TaskPayload<typeof RECORDING_TASK>;
    await repos.tasks.enqueue({ kind: RECORDING_TASK, key: "RE-bad", payload: broken, runAt: now() });
    const runner = startTaskRunner(
      { tasks: repos.tasks, log, now },
      { [RECORDING_TASK]: async () => void called++ },
      { autoStart: false },
    );
    expect(await runner.runDue()).toBe(1);
    expect(called).toBe(0);
    const task = (await repos.tasks.byKey(RECORDING_TASK, "RE-bad"))!;
    expect(task).toMatchObject({ attempts: 1, doneAt: null });
    expect(task.failedAt).not.toBeNull();
    expect(task.lastError).toContain('payload of a "download-recording" task does not parse');
    expect(task.lastError).toContain("recordingSid");
    expect(task.lastError).toContain("recordingUrl");
    expect(await runner.runDue()).toBe(0);
    await runner.stop();
  });

  test("parseTaskPayload names the kind and the field; an unknown kind is refused too", () => {
    expect(parseTaskPayload({ kind: SEND_TASK, payload: { messageId: "m1" } })).toEqual({
      ok: true,
      kind: SEND_TASK,
      payload: { messageId: "m1" },
    });
    const refused = parseTaskPayload({ kind: SEND_TASK, payload: {} });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.reason).toMatch(/^payload of a "send-message" task does not parse: messageId: /);
    expect(parseTaskPayload({ kind: "no-such-kind", payload: {} })).toEqual({
      ok: false,
      reason: 'unknown task kind "no-such-kind"',
    });
  });

  test("enqueue is typed by kind: a wrong payload fails the type check", () => {
    const wrong = () =>
      // @ts-expect-error a send task carries a messageId, not a recording
      repos.tasks.enqueue({ kind: SEND_TASK, key: "x", payload: { recordingSid: "RE1" }, runAt: now() });
    expect(typeof wrong).toBe("function");
  });
});

describe("the server's loop", () => {
  test("a long job does not hold up the jobs queued behind it: its slot stays busy, the others are run", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const ran: string[] = [];
    const runner = startTaskRunner(
      { tasks: repos.tasks, log, now },
      {
        [SEND_TASK]: async ({ messageId }) => {
          ran.push(messageId);
          if (messageId === "long") await held;
        },
      },
      { intervalMs: 50, batch: 2 },
    );
    await repos.tasks.enqueue({ kind: SEND_TASK, key: "long", payload: { messageId: "long" }, runAt: now() });
    runner.poke();
    for (let waited = 0; !ran.includes("long") && waited < 5_000; waited += 20) await Bun.sleep(20);
    expect(ran).toEqual(["long"]);
    for (const key of ["quick-1", "quick-2", "quick-3"])
      await repos.tasks.enqueue({ kind: SEND_TASK, key, payload: { messageId: key }, runAt: now() });
    runner.poke();
    for (let waited = 0; ran.length < 4 && waited < 5_000; waited += 20) await Bun.sleep(20);
    expect(ran.sort()).toEqual(["long", "quick-1", "quick-2", "quick-3"]);
    for (const key of ["quick-1", "quick-2", "quick-3"])
      expect((await repos.tasks.byKey(SEND_TASK, key))!.doneAt).not.toBeNull();
    expect((await repos.tasks.byKey(SEND_TASK, "long"))!.doneAt).toBeNull();

    release();
    await runner.stop(); // waits for the long job
    expect((await repos.tasks.byKey(SEND_TASK, "long"))!.doneAt).not.toBeNull();
  });
});
