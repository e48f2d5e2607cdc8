import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { addEngineerCommand } from "../../src/cli/engineer-add.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { buildTestApp } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
}, 30_000);
afterAll(async () => repos?.close());

/** Runs the command with console output captured. */
async function run(args: Parameters<typeof addEngineerCommand>[1]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  const error = spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
  try {
    return { code: await addEngineerCommand(world.deps, args), out: out.join("\n"), err: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe("engineer add", () => {
  test("creates the engineer with trades, home and hours, says so, and records it in the audit trail", async () => {
    const result = await run({
      email: "Tom@Engineers.example",
      name: "Tom Haigh",
      trades: ["plumbing", "heating"],
      postcode: "ls62qr",
      hours: ["07:30-16:30", "sat=09:00-12:00"],
      phone: "07700 900456",
      password: "correct horse battery",
    });
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(result.out).toBe(
      "Created engineer Tom Haigh <tom@engineers.example>: plumbing, heating; Mon–Fri 07:30–16:30, Sat 09:00–12:00; home LS6 2QR; phone given.",
    );
    const user = (await repos.staffUsers.byEmail("tom@engineers.example"))!;
    expect(user.role).toBe("engineer");
    const engineer = (await repos.engineers.byId(user.id))!;
    expect(engineer).toMatchObject({
      trades: ["plumbing", "heating"],
      homePostcode: "LS6 2QR",
      phone: "+447700900456",
    });
    expect(engineer.hours[0]).toEqual({ start: 450, end: 990 });
    expect(engineer.hours[5]).toEqual({ start: 540, end: 720 });
    expect(engineer.hours[6]).toBeNull();
    expect(await world.deps.passwords.verify("correct horse battery", user.passwordHash)).toBe(true);
    expect(await repos.audit.forEntity("user", user.id)).toEqual([
      expect.objectContaining({ who: "command line", what: "added as engineer" }),
    ]);
  });

  test.each([
    [{ trades: [] }, "Give at least one trade"],
    [{ trades: ["plumbing", "juggling"] }, 'Unknown trade "juggling"'],
    [{ postcode: "LS6" }, '"LS6" is not a UK postcode.'],
    [{ hours: ["9-5"] }, '"9-5" is not a working day: write it as 08:00-17:00.'],
    [{ hours: ["17:00-08:00"] }, "ends before it starts"],
    [{ phone: "07700 90012" }, "is not a valid UK number"],
    [{ name: " " }, "Give the engineer's name"],
    [{ email: "not an email" }, "is not an email address"],
    [{ password: "short" }, "at least 10 characters"],
    [{ email: "tom@engineers.example" }, "There is already an account for tom@engineers.example."],
  ])("refuses %p with a readable reason and creates nothing", async (change, reason) => {
    const before = await repos.staffUsers.count();
    const result = await run({
      email: "new@engineers.example",
      name: "New Person",
      trades: ["plumbing"],
      password: "correct horse battery",
      ...change,
    });
    expect(result.code).toBe(1);
    expect(result.err).toContain(reason);
    expect(result.out).toBe("");
    expect(await repos.staffUsers.count()).toBe(before);
  });
});
