import pino from "pino";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import type { AppDeps } from "../../src/compose/index.ts";
import type { TaskHandlers } from "../../src/adapters/local/task-runner.ts";
import { TEST_STRIPE_LOCAL_SECRET } from "./test-config.ts";

export { TEST_STRIPE_LOCAL_SECRET } from "./test-config.ts";
export const TEST_STRIPE_WEBHOOK_SECRET = `whsec_${TEST_STRIPE_LOCAL_SECRET}`;

/**
 * The quotes-to-cash job runner for a test app (settling payment events, invoice PDFs and
 * receipts) on the handlers the app was composed with, started by hand: `await jobs.runDue()`
 * does what the server's runner does after a webhook pokes it.
 */
export function quoteTaskRunner(world: { deps: AppDeps; clock: { now: () => Date }; quoteTasks: TaskHandlers }) {
  return startTaskRunner(
    { tasks: world.deps.repos.tasks, log: pino({ level: "silent" }), now: world.clock.now },
    world.quoteTasks,
    { autoStart: false },
  );
}
