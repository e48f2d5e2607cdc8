/**
 * `npm run soak`: two Switchboard instances on one PostgreSQL under steady traffic for
 * `--minutes` (20 by default), with faults on a schedule, then a report of anything accepted
 * that was lost or duplicated. Exits 1 when a check fails. Loopback only.
 *
 *   npm run soak                           20 minutes
 *   npm run soak -- --minutes 3            a shorter run, faults scaled to it
 *   npm run soak -- --report /tmp/soak.txt  where the report goes (default data/soak-<time>.txt)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import jpeg from "jpeg-js";
import { countEverything, workLeft } from "./counts.ts";
import { faultSchedule, type FaultEvent } from "./faults.ts";
import { rssMb } from "./memory.ts";
import { renderReport } from "./report.ts";
import { staffClient } from "./staff.ts";
import {
  emptyLedger,
  loadPage,
  playOneCall,
  sendReply,
  sendSms,
  sendStripe,
  sendWhatsApp,
  type Ledger,
} from "./traffic.ts";
import { verdict, type SoakCounts } from "./verdict.ts";
import { STAFF, startWorld, type SoakWorld } from "./world.ts";

const { values: args } = parseArgs({
  options: { minutes: { type: "string", default: "20" }, report: { type: "string" } },
});
const minutes = Number(args.minutes);
if (!(minutes > 0 && minutes <= 120)) throw new Error(`--minutes must be between 0 and 120, got ${args.minutes}`);
const runMs = minutes * 60_000;
const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
const reportPath = args.report ?? join("data", `soak-${stamp}.txt`);
/** Traffic, one request every so many ms: open loop, whatever the answers take. */
const EVERY_MS = { call: 12_000, whatsapp: 1_000, sms: 2_000, stripe: 3_000, page: 500, reply: 6_000 };
/**
 * How long processing may take to catch up once the traffic stops: longer than a job claim
 * (5 minutes in src/adapters/local/task-runner.ts), so a job a killed instance had claimed is
 * seen resuming (late, and reported) rather than counted lost.
 */
const DRAIN_LIMIT_MS = 7 * 60_000;

const t0 = performance.now();
const log = (line: string) =>
  console.log(`[soak ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const loadBefore = loadavg()[0]!;

function aJpeg(): Uint8Array {
  const data = new Uint8Array(160 * 120 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 13) % 256));
  return new Uint8Array(jpeg.encode({ data, width: 160, height: 120 }, 75).data);
}

/**
 * RSS after warm-up and at the end, per instance; a restarted instance is measured from its
 * restart. Warm-up: a fifth of the run (a seventh after a restart, so the reading comes before the end).
 */
function memoryWatch(world: SoakWorld) {
  const firstWarmUpMs = Math.max(20_000, 0.2 * runMs);
  const restartWarmUpMs = Math.max(20_000, 0.14 * runMs);
  const warm = new Map<string, { pid: number; mb: number }>();
  const timer = setInterval(() => {
    for (const instance of world.instances) {
      if (!instance.alive) continue;
      const known = warm.get(instance.name);
      if (known?.pid === instance.server.pid) continue;
      const warmUpMs = instance.pastOutput ? restartWarmUpMs : firstWarmUpMs;
      if (performance.now() - instance.startedAt < warmUpMs) continue;
      const mb = rssMb(instance.server.pid);
      if (mb !== null) {
        warm.set(instance.name, { pid: instance.server.pid, mb });
        log(`instance ${instance.name} warmed up: RSS ${mb.toFixed(0)} MB`);
      }
    }
  }, 1_000);
  return {
    end(): SoakCounts["memory"] {
      clearInterval(timer);
      return world.instances.map((instance) => {
        const w = warm.get(instance.name);
        const restarted = instance.pastOutput !== "";
        return {
          instance: `instance ${instance.name}${restarted ? " (from its restart)" : ""}`,
          warmRssMb: w?.pid === instance.server.pid ? w.mb : 0,
          endRssMb: rssMb(instance.server.pid) ?? 0,
        };
      });
    },
  };
}

async function runTraffic(world: SoakWorld, ledger: Ledger, faults: FaultEvent[]) {
  const staff = staffClient();
  await staff.logIn(`http://localhost:${world.instances[0]!.server.port}`, STAFF.email, STAFF.password);
  const runTag = stamp.slice(11, 19).replace(/-/g, "");
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const settled = work.catch((error) => log(`traffic error: ${(error as Error).message}`));
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
  };
  const counters = { call: 0, whatsapp: 0, sms: 0, stripe: 0, page: 0, reply: 0 };
  const steady = (kind: keyof typeof EVERY_MS, send: (n: number) => Promise<unknown>) =>
    setInterval(() => track(send(counters[kind]++)), EVERY_MS[kind]);
  const timers = [
    steady("call", (n) => playOneCall(world, ledger, n)),
    steady("whatsapp", (n) => sendWhatsApp(world, ledger, n, runTag)),
    steady("sms", (n) => sendSms(world, ledger, n)),
    steady("stripe", () => sendStripe(world, ledger)),
    steady("page", (n) => loadPage(world, ledger, staff, n)),
    steady("reply", (n) => sendReply(world, ledger, staff, n, runTag)),
  ];
  track(playOneCall(world, ledger, counters.call++));

  const trafficStart = performance.now();
  const note = (what: string) => {
    faults.push({ atS: (performance.now() - trafficStart) / 1000, what });
    log(what);
  };
  let killedAt: number | null = null;
  const schedule = faultSchedule(runMs, (_, at) => (killedAt = at));
  const faultRuns = schedule.map(
    (fault) =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          fault
            .run(world, note)
            .catch((error) => note(`fault "${fault.name}" went wrong: ${(error as Error).message}`))
            .finally(resolve);
        }, fault.at * runMs),
      ),
  );
  const progress = setInterval(
    () =>
      log(
        `accepted so far: calls ${ledger.calls.size}, WhatsApp ${ledger.whatsapp.size}, SMS ${ledger.sms.size}, Stripe ${ledger.stripe.size}, pages ${ledger.pages.ok}, replies ${ledger.replies.size}`,
      ),
    30_000,
  );
  await Bun.sleep(runMs);
  for (const timer of timers) clearInterval(timer);
  clearInterval(progress);
  log("traffic stopped; waiting for the calls and retries in flight");
  await Promise.all(faultRuns);
  while (inFlight.size) await Promise.race(inFlight);
  return killedAt as number | null;
}

/** Waits until nothing is left to do; the seconds it took, and the last work to finish. */
async function drain(world: SoakWorld): Promise<{ seconds: number | null; lastLeft: string }> {
  const started = performance.now();
  let last = "";
  while (performance.now() - started < DRAIN_LIMIT_MS) {
    const left = await workLeft(world).catch(() => null);
    if (left && left.jobs === 0 && left.openCalls === 0 && left.outbox === 0)
      return { seconds: (performance.now() - started) / 1000, lastLeft: last };
    const now = left
      ? `jobs ${left.jobs} (${left.jobKinds}), open calls ${left.openCalls}, outbox ${left.outbox}`
      : "database unreachable";
    if (now !== last) log(`draining: ${now}`);
    last = now;
    await Bun.sleep(1_000);
  }
  return { seconds: null, lastLeft: last };
}

const world = await startWorld(log);
let exitCode = 1;
try {
  world.meta.media.set("soak-photo", { bytes: aJpeg(), mimeType: "image/jpeg" });
  world.meta.media.set("soak-voice", {
    bytes: new Uint8Array([0x4f, 0x67, 0x67, 0x53, ...new Array(4_000).fill(3)]),
    mimeType: "audio/ogg; codecs=opus",
  });
  const ledger = emptyLedger();
  const faults: FaultEvent[] = [];
  const memory = memoryWatch(world);
  log(`traffic for ${minutes} min`);
  const killedAt = await runTraffic(world, ledger, faults);
  const drained = await drain(world);
  const counts = await countEverything(world, ledger, memory.end(), killedAt);
  const findings = verdict(counts);
  const report = renderReport(
    {
      startedAt,
      minutes,
      cores: cpus().length,
      loadBefore,
      loadAfter: loadavg()[0]!,
      drainSeconds: drained.seconds,
      lastLeft: drained.lastLeft,
      deepgramConnections: world.deepgram.connections.length,
      openaiRefused: world.openaiFailing.refused,
    },
    ledger,
    faults,
    findings,
  );
  mkdirSync(dirname(reportPath), { recursive: true });
  writeFileSync(reportPath, report);
  console.log(`\n${report}\nReport written to ${reportPath} (instance logs beside it)`);
  exitCode = findings.every((f) => f.ok) && drained.seconds !== null ? 0 : 1;
} catch (error) {
  console.error(`The soak could not finish: ${(error as Error).stack ?? error}`);
} finally {
  mkdirSync(dirname(reportPath), { recursive: true });
  for (const instance of world.instances)
    writeFileSync(
      `${reportPath.replace(/\.txt$/, "")}-instance-${instance.name}.log`,
      instance.pastOutput + instance.server.output(),
    );
  await world.close().catch((error) => console.error(`closing: ${(error as Error).message}`));
}
process.exit(exitCode);
