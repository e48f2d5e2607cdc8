import type { Passwords } from "../../ports/passwords.ts";

/** argon2id costs: memory in KiB, passes. The defaults are Bun's (64 MiB, 2 passes). */
export interface PasswordCost {
  memoryCost?: number;
  timeCost?: number;
}

/**
 * argon2id through Bun.password; the cost parameters travel inside each hash, so hashes made
 * with other costs still verify. Tests pass a low cost to stay fast; production keeps Bun's.
 */
export const createBunPasswords = (cost: PasswordCost = {}): Passwords => ({
  hash: (password) => Bun.password.hash(password, { algorithm: "argon2id", ...cost }),
  verify: async (password, hash) => {
    try {
      return await Bun.password.verify(password, hash);
    } catch {
      // A hash we cannot read (corrupt row) can never match.
      return false;
    }
  },
});
