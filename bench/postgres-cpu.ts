import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks a second, as /proc counts CPU time (100 on most Linux systems). */
const TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** A process's parent and its CPU ticks (own, and of children it has waited for), from /proc/<pid>/stat. */
function stat(pid: number): { ppid: number; own: number; reaped: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command's name (which may hold spaces), counted from field 3 (state).
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return {
      ppid: Number(fields[1]),
      own: Number(fields[11]) + Number(fields[12]),
      reaped: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return null; // gone meanwhile
  }
}

/**
 * The CPU a PostgreSQL server (found by the port it was started with) has used, in ms: its
 * postmaster, every backend alive, and every backend that has exited (counted in the postmaster).
 * On a machine shared with other work, wall-clock latency is mostly the queue for a core; CPU per
 * request is the figure that load blurs least. Linux only (/proc); null elsewhere.
 * @example const pg = postgresCpu(5432); const before = pg?.(); … const ms = pg?.()! - before!
 */
export function postgresCpu(port: number): (() => number) | null {
  let postmaster: number | null = null;
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const line = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (line[0]?.endsWith("/postgres") && line.includes("-p") && line[line.indexOf("-p") + 1] === String(port)) {
        postmaster = Number(entry);
        break;
      }
    }
  } catch {
    return null;
  }
  if (postmaster === null) return null;
  const root = postmaster;
  return () => {
    let ticks = 0;
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      const s = stat(pid);
      if (!s) continue;
      if (pid === root) ticks += s.own + s.reaped;
      else if (s.ppid === root) ticks += s.own;
    }
    return (ticks * 1000) / TICKS;
  };
}
