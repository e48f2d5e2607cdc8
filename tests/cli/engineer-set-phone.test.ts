import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { setEngineerPhoneCommand } from "../../src/cli/engineer-set-phone.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { alicePipe } from "../support/engineers.ts";
import { buildTestApp } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;
let aliceId: string;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  aliceId = (await repos.engineers.create(alicePipe())).userId;
}, 30_000);
afterAll(async () => repos?.close());

/** Runs the command with console output captured. */
async function run(email: string, phone: string) {
  const out: string[] = [];
  const err: string[] = [];
  const log = spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  const error = spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
  try {
    return {
      code: await setEngineerPhoneCommand(world.deps, { email, phone }),
      out: out.join("\n"),
      err: err.join("\n"),
    };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe("engineer set-phone", () => {
  test("sets the number (a UK 07… number becomes +44…), says so, and audits it without the number", async () => {
    const result = await run("Alice@E.example", "07700 900654");
    expect(result).toEqual({
      code: 0,
      out: "Alice Pipe <alice@e.example> is now rung on 07700 900654 when on call.",
      err: "",
    });
    expect((await repos.engineers.byId(aliceId))!.phone as string | null).toBe("+447700900654");
    const trail = await repos.audit.forEntity("user", aliceId);
    expect(trail).toEqual([expect.objectContaining({ who: "command line", what: "phone number changed" })]);
    expect(JSON.stringify(trail)).not.toContain("900654");
  });

  test("a number that cannot be dialled is an error with the reason, and changes nothing", async () => {
    const result = await run("alice@e.example", "0770");
    expect(result.code).toBe(1);
    expect(result.err).toBe('"0770" is not a phone number we can dial.');
    expect(result.out).toBe("");
    expect((await repos.engineers.byId(aliceId))!.phone as string | null).toBe("+447700900654");
    expect(await repos.audit.forEntity("user", aliceId)).toHaveLength(1);
  });

  test("an unknown engineer, an office account or a malformed email is refused by name", async () => {
    expect(await run("nobody@e.example", "07700 900111")).toMatchObject({
      code: 1,
      err: "There is no engineer with the email nobody@e.example.",
    });
    await repos.staffUsers.create({ email: "kim@handy.example", name: "Kim", role: "staff", passwordHash: "x" });
    expect((await run("kim@handy.example", "07700 900111")).code).toBe(1);
    expect((await run("not-an-email", "07700 900111")).code).toBe(1);
  });

  test('"" removes the number: calls fall back to the office', async () => {
    const result = await run("alice@e.example", "");
    expect(result).toMatchObject({
      code: 0,
      out: "Alice Pipe <alice@e.example> has no phone number now: when they are on call, calls ring the office.",
    });
    expect((await repos.engineers.byId(aliceId))!.phone).toBeNull();
  });
});
