/**
 * The faults, on a schedule scaled to the run: at a share of the run's length each, and outages
 * lasting what they would in a 20-minute run, scaled the same way (at least 10 s).
 */
import type { Instance, SoakWorld } from "./world.ts";

export interface FaultEvent {
  /** Seconds from the start of the traffic. */
  atS: number;
  what: string;
}

export interface Fault {
  /** When it starts, as a share of the run. */
  at: number;
  name: string;
  run(world: SoakWorld, note: (what: string) => void): Promise<void>;
}

/** An outage that lasts `minutesIn20` in a 20-minute run, scaled to this one (10 s at least). */
const scaled = (runMs: number, minutesIn20: number) => Math.max(10_000, (minutesIn20 * 60_000 * runMs) / (20 * 60_000));

/** The Deepgram peer drops every open connection (at 15 % of the run and again at 60 %). */
const dropDeepgram: Fault["run"] = async (world, note) => {
  note(
    `Deepgram peer dropped ${world.deepgram.connections.filter((c) => c.closedAt === null).length} open connections`,
  );
  world.deepgram.dropConnections();
};

export function faultSchedule(runMs: number, onKill: (instance: Instance, at: number) => void): Fault[] {
  const s3DownMs = scaled(runMs, 1);
  const openaiDownMs = scaled(runMs, 1);
  return [
    {
      at: 0.15,
      name: "Deepgram peer drops every connection",
      run: dropDeepgram,
    },
    {
      at: 0.25,
      name: `S3 server stopped for ${(s3DownMs / 1000).toFixed(0)} s`,
      async run(world, note) {
        await world.s3.halt();
        note("S3 server stopped");
        await Bun.sleep(s3DownMs);
        await world.s3.resume();
        note("S3 server started again");
      },
    },
    {
      at: 0.4,
      name: "PostgreSQL restarted",
      async run(world, note) {
        const started = performance.now();
        await world.pg.restart({ downMs: 1_000 });
        note(`PostgreSQL restarted (down ${((performance.now() - started) / 1000).toFixed(1)} s)`);
      },
    },
    {
      at: 0.5,
      name: `OpenAI peer answers 500 for ${(openaiDownMs / 1000).toFixed(0)} s`,
      async run(world, note) {
        world.openaiFailing.on = true;
        note("OpenAI peer answering 500");
        await Bun.sleep(openaiDownMs);
        world.openaiFailing.on = false;
        note(`OpenAI peer answering again (${world.openaiFailing.refused} requests refused)`);
      },
    },
    {
      at: 0.6,
      name: "Deepgram peer drops every connection again",
      run: dropDeepgram,
    },
    {
      at: 0.7,
      name: "instance B killed with SIGKILL and started again",
      async run(world, note) {
        const b = world.instances[1]!;
        const pid = b.server.pid;
        onKill(b, Date.now());
        await world.kill(b);
        note(`instance B (pid ${pid}) killed with SIGKILL`);
        await Bun.sleep(5_000);
        await world.restart(b);
        note(`instance B started again (pid ${b.server.pid})`);
      },
    },
  ];
}
