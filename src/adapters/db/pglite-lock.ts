import {
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
  closeSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

/**
 * One process at a time may open a PGlite data folder. The owner writes `pglite.lock` in the
 * folder (pid, the socket it serves on, and its process start time so a recycled pid is not
 * mistaken for it); everyone else finds the lock and connects through that socket.
 *
 * Creating the lock is atomic (link(2) of a fully written file, which fails when the lock
 * exists). A lock left by a dead process is stale: it is removed under a short-lived
 * `pglite.lock.takeover` guard, re-checked first, so two processes that both see the same stale
 * lock cannot both end up owners.
 */
export interface LockHolder {
  pid: number;
  /** Unix socket the owner serves the database on. */
  socket: string;
  startedAt: string;
  /** /proc/<pid>/stat start time, when the platform has one. */
  processStart: string | null;
  /** Random, so release() removes only our own lock. */
  token: string;
}

export interface HeldLock {
  readonly holder: LockHolder;
  release(): void;
}

export type LockAttempt = { owner: true; lock: HeldLock } | { owner: false; holder: LockHolder };

/** Data folders this process owns right now (so a lock with our own pid is not taken for stale). */
const ownedHere = new Set<string>();

export const lockPathOf = (dataDir: string) => join(dataDir, "pglite.lock");

/** Takes the folder's lock, or reports the live process that holds it. */
export async function tryLockDataDir(dataDir: string, socket: string): Promise<LockAttempt> {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = lockPathOf(dataDir);
  for (let attempt = 0; attempt < 50; attempt++) {
    const holder: LockHolder = {
      pid: process.pid,
      socket,
      startedAt: new Date().toISOString(),
      processStart: processStartOf(process.pid),
      token: crypto.randomUUID(),
    };
    if (createExclusively(lockPath, JSON.stringify(holder))) {
      ownedHere.add(lockPath);
      return { owner: true, lock: heldLock(lockPath, holder) };
    }
    const raw = readOrNull(lockPath);
    if (raw === null) continue; // released between our two looks
    const existing = parse(raw);
    if (existing && isAlive(existing, lockPath)) return { owner: false, holder: existing };
    if (!existing && (ageMs(lockPath) ?? Infinity) < 2_000) {
      await sleep(25); // possibly still being written (the no-hard-links fallback)
      continue;
    }
    await removeStale(lockPath, raw);
  }
  throw new Error(`Could not take the lock ${lockPath}: it keeps changing hands.`);
}

/** The current holder of the folder's lock, if it is a live process. */
export function liveHolder(dataDir: string): LockHolder | null {
  const lockPath = lockPathOf(dataDir);
  const raw = readOrNull(lockPath);
  const holder = raw === null ? null : parse(raw);
  return holder && isAlive(holder, lockPath) ? holder : null;
}

function heldLock(lockPath: string, holder: LockHolder): HeldLock {
  return {
    holder,
    release() {
      ownedHere.delete(lockPath);
      const raw = readOrNull(lockPath);
      if (raw !== null && parse(raw)?.token === holder.token) unlinkQuietly(lockPath);
    },
  };
}

function createExclusively(path: string, content: string): boolean {
  const temporary = `${path}.${process.pid}.${crypto.randomUUID()}`;
  writeFileSync(temporary, content, { mode: 0o600 });
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if (codeOf(error) === "EEXIST") return false;
    if (codeOf(error) !== "EPERM" && codeOf(error) !== "ENOTSUP") throw error;
    // A filesystem without hard links: O_EXCL create, then write (a reader may briefly see it empty).
    return createWithOExcl(path, content);
  } finally {
    unlinkQuietly(temporary);
  }
}

function createWithOExcl(path: string, content: string): boolean {
  try {
    const fd = openSync(path, "wx", 0o600);
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (error) {
    if (codeOf(error) === "EEXIST") return false;
    throw error;
  }
}

async function removeStale(lockPath: string, staleContent: string): Promise<void> {
  const guard = `${lockPath}.takeover`;
  if (!createWithOExcl(guard, String(process.pid))) {
    // Someone else is taking over; a guard older than a few seconds belongs to a process that died doing it.
    const age = ageMs(guard);
    if (age !== null && age > 5_000) unlinkQuietly(guard);
    await sleep(25);
    return;
  }
  try {
    if (readOrNull(lockPath) === staleContent) unlinkQuietly(lockPath);
  } finally {
    unlinkQuietly(guard);
  }
}

function isAlive(holder: LockHolder, lockPath: string): boolean {
  if (holder.pid === process.pid) return ownedHere.has(lockPath);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if (codeOf(error) !== "EPERM") return false; // ESRCH: no such process
  }
  const start = processStartOf(holder.pid);
  return holder.processStart === null || start === null || start === holder.processStart;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function parse(raw: string): LockHolder | null {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof value.pid !== "number" || typeof value.socket !== "string" || typeof value.token !== "string")
      return null;
    return { processStart: null, startedAt: "", ...value } as LockHolder;
  } catch {
    return null;
  }
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (codeOf(error) === "ENOENT") return null;
    throw error;
  }
}

function ageMs(path: string): number | null {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (codeOf(error) !== "ENOENT") throw error;
  }
}

const codeOf = (error: unknown) => (error as { code?: string } | null)?.code;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
