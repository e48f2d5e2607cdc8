import type { Passwords } from "../../ports/passwords.ts";

/**
 * At most `atOnce` hashes or checks run at the same time; the rest wait their turn in order.
 * argon2id takes 64 MiB and tens of milliseconds each (Bun's defaults), so a burst of logins
 * would otherwise take the machine's memory and every core from the calls being served.
 * @example const passwords = limitPasswordWork(createBunPasswords(), 4);
 */
export function limitPasswordWork(inner: Passwords, atOnce: number): Passwords {
  let running = 0;
  const waiting: (() => void)[] = [];
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= atOnce) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, so `running` never dips while some wait.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
  return {
    hash: (password) => run(() => inner.hash(password)),
    verify: (password, hash) => run(() => inner.verify(password, hash)),
  };
}
