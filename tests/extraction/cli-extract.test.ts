import { afterAll, expect, test } from "bun:test";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRulesExtractor } from "../../src/adapters/local/rules-extractor/index.ts";
import { extractCommand } from "../../src/cli/extract.ts";
import type { Extractor } from "../../src/ports/extractor.ts";

const dir = await mkdtemp(join(tmpdir(), "extract-cli-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(file: string, extractor: Extractor = createRulesExtractor()) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await extractCommand({ file }, { extractor, stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

test("cli extract FILE prints one JSON object with the extraction's fields", async () => {
  const { code, out, err } = await run(join(import.meta.dir, "calls/02-burst-pipe-agent.txt"));
  expect(code).toBe(0);
  expect(err).toBe("");
  const printed = JSON.parse(out);
  expect(Object.keys(printed)).toEqual([
    "name",
    "organisation",
    "phone",
    "address",
    "postcode",
    "urgency",
    "category",
    "summary",
    "accessNotes",
    "segment",
    "confidence",
  ]);
  expect(printed).toMatchObject({
    name: "Emma Clarke",
    organisation: "Greenway Lettings",
    postcode: "BS1 4DJ",
    urgency: "emergency",
    category: "plumbing",
    segment: "letting_agent",
  });
});

test("a missing file, a folder or an unreadable file gets a clear message and a non-zero exit", async () => {
  expect(await run(join(dir, "nope.txt"))).toEqual({
    code: 1,
    out: "",
    err: `Cannot read ${join(dir, "nope.txt")}: no such file.`,
  });
  expect(await run(dir)).toEqual({
    code: 1,
    out: "",
    err: `Cannot read ${dir}: it is a folder, not a transcript file.`,
  });
  if (process.getuid?.() !== 0) {
    const locked = join(dir, "locked.txt");
    await writeFile(locked, "Caller: hi");
    await chmod(locked, 0o000);
    expect(await run(locked)).toEqual({ code: 1, out: "", err: `Cannot read ${locked}: permission denied.` });
  }
  expect((await run("")).code).toBe(2);
});

test("a file that is not a Caller:/Staff: transcript is refused, naming the line", async () => {
  const file = join(dir, "notes.txt");
  await writeFile(file, "Shopping list\nCaller: eggs");
  expect(await run(file)).toEqual({
    code: 1,
    out: "",
    err: `${file}: Line 1 does not start with "Caller:" or "Staff:".`,
  });
  const binary = join(dir, "audio.ulaw");
  await writeFile(binary, new Uint8Array([0, 255, 0, 127]));
  expect((await run(binary)).code).toBe(1);
});

test("an empty transcript prints unknowns, and a fallback is reported on stderr", async () => {
  const file = join(dir, "empty.txt");
  await writeFile(file, "");
  const empty = await run(file);
  expect(empty.code).toBe(0);
  expect(JSON.parse(empty.out)).toMatchObject({ name: null, segment: "unknown", urgency: null });

  const fellBack: Extractor = {
    name: "openai:gpt-4o-mini",
    extract: async (t) => ({
      ...(await createRulesExtractor().extract(t)),
      fallback: { from: "openai:gpt-4o-mini", reason: "timeout", detail: "no answer before the timeout" },
    }),
  };
  const result = await run(file, fellBack);
  expect(result.code).toBe(0);
  expect(result.err).toBe(
    "openai:gpt-4o-mini could not answer (timeout: no answer before the timeout); rules answered instead.",
  );
});

test("an extractor that throws gives a message and exit 1", async () => {
  const broken: Extractor = {
    name: "broken",
    extract: async () => {
      throw new Error("OpenAI extraction failed (rejected): 401 invalid_api_key");
    },
  };
  expect(await run(join(import.meta.dir, "calls/01-boiler-leak-tenant.txt"), broken)).toEqual({
    code: 1,
    out: "",
    err: "Extraction failed: OpenAI extraction failed (rejected): 401 invalid_api_key",
  });
});
