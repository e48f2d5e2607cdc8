import type { Passwords } from "../../ports/passwords.ts";

/** argon2id through Bun.password; the cost parameters travel inside each hash. */
export const createBunPasswords = (): Passwords => ({
  hash: (password) => Bun.password.hash(password, { algorithm: "argon2id" }),
  verify: async (password, hash) => {
    try {
      return await Bun.password.verify(password, hash);
    } catch {
      // A hash we cannot read (corrupt row) can never match.
      return false;
    }
  },
});
