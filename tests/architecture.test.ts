/**
 * Import rules between the layers (README, "Layout"): the choices of which adapter runs are made
 * in src/compose only, and adapters never reach into the web app or the composition.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const src = resolve(import.meta.dir, "..", "src");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Each file's imports, as paths relative to src/ ("http/deps.ts"); packages left out. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:import|export)[^"']*?from\s+["'](\.[^"']+)["']/g)].map((m) =>
    relative(src, resolve(file, "..", m[1]!)),
  );
}

const offending = (folder: string, forbidden: string[]) =>
  filesUnder(join(src, folder)).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden.some((f) => target === f || target.startsWith(`${f}/`)))
      .map((target) => `${relative(src, file)} imports ${target}`),
  );

describe("layers", () => {
  test("no file in src/adapters imports from src/http or src/compose", () => {
    expect(offending("adapters", ["http", "compose"])).toEqual([]);
  });

  test("the domain imports no adapter, no web code and no composition", () => {
    expect(offending("domain", ["adapters", "http", "views", "compose"])).toEqual([]);
  });
});
