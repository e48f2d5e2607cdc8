/**
 * The newcomer's path: `npm start` (the real entry point, as a child process, embedded
 * defaults) and `npm run simulate:call -- DIR` against it, sharing the data folder's local
 * Twilio token; and the simulator's readable failures.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SHIPPED_FIXTURES_DIR } from "../../src/fixtures.ts";
import { runCli, seedPgliteDataDir, startServer, type RunningServer } from "../support/browser.ts";
import { logIn, textOf } from "./helpers.ts";

const root = join(import.meta.dir, "..", "..");
const dataDir = mkdtempSync(join(tmpdir(), "sb-simulate-"));
let server: RunningServer;
let url: string;

/** A free loopback port, so PUBLIC_BASE_URL (http://localhost:PORT by default) is the server's real address. */
function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  void probe.stop(true);
  return port;
}

/** Runs a command from the repository root with a clean environment; resolves with its exit code and output. */
async function run(command: string[], env: Record<string, string> = {}) {
  const child = Bun.spawn(command, {
    cwd: root,
    env: {
      PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
      HOME: process.env.HOME ?? "",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}
const simulate = (args: string[], env: Record<string, string> = {}) =>
  run([process.execPath, "src/simulator/cli.ts", ...args], { DATA_DIR: dataDir, ...env });

beforeAll(async () => {
  await seedPgliteDataDir(dataDir);
  const port = freePort();
  server = await startServer({ PORT: String(port), DATA_DIR: dataDir });
  url = `http://localhost:${port}`;
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run simulate:call", () => {
  test("plays a fixture against `npm start`'s server, signed with its local token, and prints the call's page", async () => {
    const { code, stdout, stderr } = await run(
      ["npm", "run", "-s", "simulate:call", "--", "fixtures/calls/burst-pipe-agent", "--url", url, "--speed", "40"],
      { DATA_DIR: dataDir },
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("asking for the demo transcript");
    expect(stdout).toContain("Status in-progress: HTTP 204");
    expect(stdout).toContain("Status completed (31 s): HTTP 204");
    const page = stdout.match(/The call's page: (http:\/\/localhost:\d+\/calls\/[0-9a-f-]{36})/)?.[1];
    expect(page).toBeDefined();
    expect(stdout).toContain(`Watch it live: ${page}`);
    expect(server.output()).toContain('"msg":"media stream ended"');

    // After the call, staff see its whole transcript on its page.
    const added = await runCli(
      ["user", "add", "sim@handy.example", "--password", "correct horse battery", "--role", "staff"],
      { DATA_DIR: dataDir },
    );
    expect(added.code).toBe(0);
    const cookie = await logIn(url, "sim@handy.example", "correct horse battery");
    const html = await (await fetch(page!, { headers: { Cookie: cookie } })).text();
    const script = (await Bun.file(join(SHIPPED_FIXTURES_DIR, "burst-pipe-agent", "call.json")).json()) as {
      turns: { text: string }[];
    };
    for (const turn of script.turns) expect(textOf(html)).toContain(turn.text);
  }, 60_000);

  test("a folder that is not a call, a server that is not there, and a wrong token: a readable error and exit 1", async () => {
    const missing = await simulate(["no/such/folder", "--url", url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("There is no folder");

    const notACall = await simulate(["src", "--url", url]);
    expect(notACall.code).toBe(1);
    expect(notACall.stderr).toContain("has no inbound.ulaw");

    const nobody = await simulate(["boiler-leak-tenant", "--url", "http://127.0.0.1:9"]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain("Nothing answers at http://127.0.0.1:9/api/twilio/voice");
    expect(nobody.stderr).toContain("Is Switchboard running?");

    const wrongToken = await simulate(["boiler-leak-tenant", "--url", url], {
      TWILIO_AUTH_TOKEN: "not-the-servers-token",
    });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toContain("(403: The Twilio signature does not match.)");
    expect(wrongToken.stderr).toContain("Signed with TWILIO_AUTH_TOKEN");

    const noToken = await simulate(["boiler-leak-tenant", "--url", url], { DATA_DIR: join(dataDir, "elsewhere") });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain("No Twilio auth token to sign with");

    const usage = await simulate(["boiler-leak-tenant", "--speed", "fast"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--speed must be a number above 0");
  }, 30_000);
});
