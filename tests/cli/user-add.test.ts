import { afterAll, beforeAll, expect, spyOn, test } from "bun:test";
import { addUserCommand } from "../../src/cli/user-add.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { buildTestApp } from "../support/test-app.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
}, 30_000);
afterAll(async () => repos?.close());

test("user add creates the account and records it in the audit trail as the command line's doing", async () => {
  const log = spyOn(console, "log").mockImplementation(() => {});
  const code = await addUserCommand(world.deps, {
    email: "First@Handy.example",
    password: "correct horse battery",
    role: "admin",
  });
  log.mockRestore();
  expect(code).toBe(0);
  const user = await repos.staffUsers.byEmail("first@handy.example");
  expect(user).toMatchObject({ role: "admin", disabledAt: null });
  expect(await repos.audit.forEntity("user", user!.id)).toEqual([
    expect.objectContaining({ who: "command line", what: "added as admin", details: { email: "first@handy.example" } }),
  ]);
});
