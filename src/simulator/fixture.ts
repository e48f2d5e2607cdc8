import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { z } from "zod";
import { SHIPPED_FIXTURES_DIR } from "../fixtures.ts";
import { SimulatorError } from "./errors.ts";

/** One Twilio media frame: 20 ms of G.711 µ-law at 8 kHz, one byte a sample. */
export const FRAME_BYTES = 160;
export const FRAME_MS = 20;
/** µ-law silence, used to pad the last frame and the shorter track. */
const MULAW_SILENCE = 0xff;

/** What the simulator needs from a folder's call.json (all optional: any pair of tracks plays). */
const callJsonSchema = z.object({
  from: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  turns: z
    .array(
      z.object({ track: z.enum(["inbound", "outbound"]), text: z.string(), startMs: z.number(), endMs: z.number() }),
    )
    .optional(),
});

/** A call to play: the caller's track (inbound) and the staff member's (outbound), equal length. */
export interface CallFixture {
  /** The folder's name: what the stream's `demoScript` parameter names. */
  name: string;
  dir: string;
  /** Raw µ-law 8 kHz mono, both padded with silence to the same whole number of frames. */
  inbound: Uint8Array;
  outbound: Uint8Array;
  from: string;
  to: string;
  /** The script, when the folder has a call.json with turns. */
  turns: { track: "inbound" | "outbound"; text: string; startMs: number; endMs: number }[] | null;
  frameCount: number;
  /** frameCount × 20 ms. */
  durationMs: number;
}

/** Numbers used when a folder has no call.json: Ofcom's drama ranges, never real lines. */
const DEFAULT_FROM = "+447700900000";
const DEFAULT_TO = "+442079460000";

/**
 * Reads a call folder: inbound.ulaw and outbound.ulaw (raw µ-law, 8 kHz, mono), and call.json
 * when there is one (caller and called numbers, the script). Throws a {@link SimulatorError} of kind "fixture" naming
 * what is missing.
 * @example const call = loadCallFixture("fixtures/calls/boiler-leak-tenant");
 */
export function loadCallFixture(folder: string): CallFixture {
  const dir = resolve(folder);
  if (!existsSync(dir)) throw fixtureError(`There is no folder ${dir}.`);
  if (!statSync(dir).isDirectory()) throw fixtureError(`${dir} is not a folder.`);
  const tracks = (["inbound", "outbound"] as const).map((track) => {
    const path = join(dir, `${track}.ulaw`);
    if (!existsSync(path))
      throw fixtureError(
        `${dir} has no ${track}.ulaw (raw µ-law, 8 kHz, mono: the ${track === "inbound" ? "caller's" : "staff member's"} track).`,
      );
    return new Uint8Array(readFileSync(path));
  });
  const frameCount = Math.ceil(Math.max(tracks[0]!.byteLength, tracks[1]!.byteLength) / FRAME_BYTES);
  if (frameCount === 0) throw fixtureError(`The tracks in ${dir} are empty.`);
  const [inbound, outbound] = tracks.map((bytes) => padded(bytes, frameCount * FRAME_BYTES));

  let script: z.infer<typeof callJsonSchema> = {};
  const jsonPath = join(dir, "call.json");
  if (existsSync(jsonPath)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(jsonPath, "utf8"));
    } catch (error) {
      throw fixtureError(`${jsonPath} is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = callJsonSchema.safeParse(json);
    if (!parsed.success)
      throw fixtureError(`${jsonPath}: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`);
    script = parsed.data;
  }
  return {
    name: basename(dir),
    dir,
    inbound: inbound!,
    outbound: outbound!,
    from: script.from ?? DEFAULT_FROM,
    to: script.to ?? DEFAULT_TO,
    turns: script.turns ?? null,
    frameCount,
    durationMs: frameCount * FRAME_MS,
  };
}

/** The 160-byte frame `index` of a track. */
export const frameAt = (track: Uint8Array, index: number): Uint8Array =>
  track.subarray(index * FRAME_BYTES, (index + 1) * FRAME_BYTES);

/** Whether the app ships a scripted fixture of this name (the server can replay its demo transcript). */
export const isShippedFixture = (name: string): boolean => existsSync(join(SHIPPED_FIXTURES_DIR, name, "call.json"));

function padded(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.byteLength === length) return bytes;
  const out = new Uint8Array(length).fill(MULAW_SILENCE);
  out.set(bytes);
  return out;
}

const fixtureError = (message: string) => new SimulatorError("fixture", message);
