import { monitorEventLoopDelay } from "node:perf_hooks";
import { Counter, Gauge, type Registry } from "prom-client";

/** How often the event-loop monitor samples, in ms. */
const LAG_RESOLUTION_MS = 20;

/**
 * The process's own CPU, memory and event-loop lag, read at each scrape. Not prom-client's
 * collectDefaultMetrics: under Bun some of its series read wrong (process_heap_bytes reports the
 * virtual size, active handles 0, the GC histogram stays empty), so only figures Bun reports
 * truly are exported (checked against bun:jsc's own heap statistics). Lag is sampled with perf_hooks' monitorEventLoopDelay (Bun implements
 * it), started at the first scrape so apps that are never scraped run no timer; each scrape
 * reports the lag since the one before.
 */
export function collectProcessMetrics(registry: Registry): void {
  const registers = [registry];
  // Counters that follow process.cpuUsage() (µs since start): each adds what was spent since it last looked.
  const cpuCounter = (name: string, help: string, read: (usage: NodeJS.CpuUsage) => number) => {
    let seen = 0;
    new Counter({
      name,
      help,
      registers,
      collect() {
        const now = read(process.cpuUsage());
        this.inc(Math.max(0, now - seen) / 1e6);
        seen = now;
      },
    });
  };
  cpuCounter("process_cpu_user_seconds_total", "User CPU time spent, in seconds.", (u) => u.user);
  cpuCounter("process_cpu_system_seconds_total", "System CPU time spent, in seconds.", (u) => u.system);
  cpuCounter("process_cpu_seconds_total", "User and system CPU time spent, in seconds.", (u) => u.user + u.system);
  new Gauge({
    name: "process_start_time_seconds",
    help: "When the process started, in seconds since the Unix epoch.",
    registers,
  }).set(Math.round(Date.now() / 1000 - process.uptime()));
  const memory = new Gauge({
    name: "process_memory_bytes",
    help: "Memory as the runtime reports it: rss (resident), heap_used (JavaScript objects), external (buffers).",
    labelNames: ["kind"],
    registers,
    // No heap_total: under Bun it reads below heap_used.
    collect() {
      const usage = process.memoryUsage();
      memory.labels("rss").set(usage.rss);
      memory.labels("heap_used").set(usage.heapUsed);
      memory.labels("external").set(usage.external);
    },
  });
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });

  let lag: ReturnType<typeof monitorEventLoopDelay> | null = null;
  const lagSeconds = new Gauge({
    name: "switchboard_event_loop_lag_seconds",
    help: "Event-loop delay since the previous scrape: mean, p50, p99 and max.",
    labelNames: ["stat"],
    registers,
    collect() {
      if (!lag) {
        lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
        lag.enable();
        return;
      }
      // Until a sample is taken the histogram reads NaN / huge; report nothing rather than nonsense.
      if (lag.count === 0) return;
      lagSeconds.labels("mean").set(lag.mean / 1e9);
      lagSeconds.labels("p50").set(lag.percentile(50) / 1e9);
      lagSeconds.labels("p99").set(lag.percentile(99) / 1e9);
      lagSeconds.labels("max").set(lag.max / 1e9);
      lag.reset();
    },
  });
}
