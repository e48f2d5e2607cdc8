/** A process's resident memory, read from /proc (Linux), in MB; null once the process is gone. */
import { readFileSync } from "node:fs";

export function rssMb(pid: number): number | null {
  try {
    const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB$/m);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}
