/** Hashing and checking staff passwords (Bun.password: argon2id). */
export interface Passwords {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}
