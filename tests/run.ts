/**
 * `npm test`: runs `bun test` with its own output untouched, then ends with the plain
 * line CI reads: "N passed, N failed". Extra arguments go to bun test (a path, -t NAME).
 */
// bunfig.toml's [test] timeout is not applied by Bun 1.4, so the per-test limit is set here.
const child = Bun.spawn([process.execPath, "test", "--timeout", "60000", ...process.argv.slice(2)], {
  stdout: "pipe",
  stderr: "pipe",
  stdin: "ignore",
});

let passed = 0;
let failed = 0;
let skipped = 0;

async function relay(stream: ReadableStream<Uint8Array>, out: NodeJS.WriteStream) {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    out.write(chunk);
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) count(line);
  }
  count(pending);
}

function count(line: string) {
  const match = line.match(/^\s*(\d+) (pass|fail|skip)\s*$/);
  if (!match) return;
  const n = Number(match[1]);
  if (match[2] === "pass") passed = n;
  else if (match[2] === "fail") failed = n;
  else skipped = n;
}

await Promise.all([relay(child.stdout, process.stdout), relay(child.stderr, process.stderr)]);
const code = await child.exited;
// A crash before the summary still counts as a failure.
if (code !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(code);
export {};
