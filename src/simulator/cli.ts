/**
 * `npm run simulate:call -- DIR [--url URL] [--speed N] [--demo-transcript | --no-demo-transcript]`
 *
 * Plays a recorded call against a running Switchboard exactly as Twilio would (see play-call.ts).
 * DIR is a call folder (inbound.ulaw + outbound.ulaw, call.json optional) or the name of a
 * fixture in fixtures/calls. Signs with TWILIO_AUTH_TOKEN, or else the server's local token in
 * ${DATA_DIR}/secrets/twilio-local-auth-token (the embedded default). Ctrl-C hangs up.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseConfig, publicBaseUrl, type Config } from "../config.ts";
import { SimulatorError } from "./errors.ts";
import { SHIPPED_FIXTURES_DIR } from "../fixtures.ts";
import { isShippedFixture, loadCallFixture, type CallFixture } from "./fixture.ts";
import { playCall } from "./play-call.ts";
// The file the server keeps its local Twilio token in: named once, where the server makes it.
import { TWILIO_LOCAL_TOKEN_FILE as LOCAL_TOKEN_FILE } from "../compose/secrets.ts";

const USAGE = `Usage: npm run simulate:call -- DIR [--url URL] [--speed N] [--demo-transcript | --no-demo-transcript]

  DIR                  a folder with inbound.ulaw and outbound.ulaw (8 kHz µ-law), e.g.
                       fixtures/calls/boiler-leak-tenant, or just a fixture's name
  --url URL            where Switchboard is reached (default: PUBLIC_BASE_URL, else http://localhost:PORT)
  --speed N            1 = real time (default), 10 = ten times faster
  --demo-transcript    ask for the fixture's script as a labelled demo transcript (the default for
                       the shipped fixtures; the server uses it only when it has no transcriber keys)
  --no-demo-transcript do not ask for it

  Signs with TWILIO_AUTH_TOKEN, else the local token in \${DATA_DIR:-./data}/secrets/${LOCAL_TOKEN_FILE}.`;

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.positionals.length !== 1) {
    console.error(`Give exactly one call folder.\n\n${USAGE}`);
    return 2;
  }
  const speed = Number(args.values.speed ?? "1");
  if (!Number.isFinite(speed) || speed <= 0) {
    console.error(`--speed must be a number above 0, got "${args.values.speed}".`);
    return 2;
  }
  const config = parseConfig(process.env);
  if (!config.ok) {
    console.error(config.error);
    return 2;
  }
  const token = authToken(config.config);
  if (!token.ok) {
    console.error(token.error);
    return 1;
  }
  let fixture: CallFixture;
  try {
    fixture = loadCallFixture(callFolder(args.positionals[0]!));
  } catch (error) {
    if (!(error instanceof SimulatorError)) throw error;
    console.error(`Cannot play that call: ${error.message}`);
    return 1;
  }
  const fixtureDir = fixture.dir;
  const baseUrl = (args.values.url ?? publicBaseUrl(config.config)).replace(/\/$/, "");
  const demoTranscript = args.values["no-demo-transcript"]
    ? false
    : (args.values["demo-transcript"] ?? isShippedFixture(basename(fixtureDir)));

  const hangUp = new AbortController();
  process.on("SIGINT", () => {
    if (hangUp.signal.aborted) process.exit(130);
    console.log("\nHanging up… (Ctrl-C again to quit at once)");
    hangUp.abort();
  });

  console.log(
    `Calling ${baseUrl} from ${fixture.from} with ${fixture.name} (${(fixture.durationMs / 1000).toFixed(1)} s) at ${speed === 1 ? "real time" : `${speed}× speed`}${demoTranscript ? ", asking for the demo transcript" : ""}.`,
  );
  try {
    const result = await playCall({
      baseUrl,
      authToken: token.value,
      fixtureDir,
      speed,
      demoTranscript,
      signal: hangUp.signal,
      log: (event) => {
        console.log(`  ${event.message}`);
        if (event.type === "answered" && event.callId) console.log(`  Watch it live: ${baseUrl}/calls/${event.callId}`);
      },
    });
    const frames = `${result.framesSent.inbound} + ${result.framesSent.outbound} frames`;
    console.log(
      `Call ${result.ended === "completed" ? "completed" : "hung up early"}: ${(result.audioMs / 1000).toFixed(1)} s of audio, ${frames}, in ${(result.elapsedMs / 1000).toFixed(1)} s.`,
    );
    if (result.pageUrl) console.log(`The call's page: ${result.pageUrl}`);
    return hangUp.signal.aborted ? 130 : 0;
  } catch (error) {
    if (!(error instanceof SimulatorError)) throw error;
    console.error(`Simulated call failed: ${error.message}`);
    const hint = hintFor(error, baseUrl, token.source);
    if (hint) console.error(hint);
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      speed: { type: "string" },
      "demo-transcript": { type: "boolean" },
      "no-demo-transcript": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** DIR as given, or a shipped fixture's name. */
function callFolder(dir: string): string {
  const given = resolve(dir);
  if (existsSync(given)) return given;
  const shipped = join(SHIPPED_FIXTURES_DIR, dir);
  return existsSync(shipped) ? shipped : given;
}

function authToken(config: Config): { ok: true; value: string; source: string } | { ok: false; error: string } {
  if (config.TWILIO_AUTH_TOKEN) return { ok: true, value: config.TWILIO_AUTH_TOKEN, source: "TWILIO_AUTH_TOKEN" };
  const path = join(resolve(config.DATA_DIR), "secrets", LOCAL_TOKEN_FILE);
  if (!existsSync(path)) {
    return {
      ok: false,
      error: `No Twilio auth token to sign with: TWILIO_AUTH_TOKEN is not set and ${path} does not exist.\nStart Switchboard once (npm start) with this DATA_DIR and it makes that file, or set TWILIO_AUTH_TOKEN to the server's.`,
    };
  }
  return { ok: true, value: readFileSync(path, "utf8").trim(), source: path };
}

function hintFor(error: SimulatorError, baseUrl: string, tokenSource: string): string | null {
  switch (error.kind) {
    case "unreachable":
      return `Is Switchboard running? Start it with "npm start", or point --url at it (tried ${baseUrl}).`;
    case "refused":
      return [
        `Signed with ${tokenSource}. The server checks signatures with its own token (TWILIO_AUTH_TOKEN, else the local one in its DATA_DIR),`,
        `over its PUBLIC_BASE_URL (by default http://localhost:PORT, which 127.0.0.1 does not match).`,
        `Run this with the server's DATA_DIR or TWILIO_AUTH_TOKEN, and --url equal to its public URL.`,
      ].join("\n");
    default:
      return null;
  }
}

process.exit(await main(process.argv.slice(2)));
