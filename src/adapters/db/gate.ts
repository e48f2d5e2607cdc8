/**
 * A first-come, first-served async lock.
 *
 * PGlite is one Postgres backend: one session, one transaction at a time. The process that
 * owns it funnels every user through one Gate — its own queries and each socket client's —
 * so one user's transaction never interleaves with another's statements.
 */
export class Gate {
  #held = false;
  #waiting: (() => void)[] = [];

  get held(): boolean {
    return this.#held;
  }

  /** Waits for the gate; call the returned function exactly once to let the next waiter in. */
  async acquire(): Promise<() => void> {
    if (this.#held) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#held = false;
    };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}
