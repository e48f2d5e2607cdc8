import type { BoardFigures } from "../domain/board/figures.ts";

/** A read-only link to the wall board for a screen with no staff login. */
export interface BoardLink {
  id: string;
  label: string;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
}

/** Who did it and when, for the audit entry written with the change. */
export interface BoardLinkActor {
  who: string;
  at: Date;
}

/**
 * Board links, kept by the SHA-256 of their token (never the token). Creating and revoking write
 * their audit entry in the same transaction.
 */
export interface BoardLinks {
  create(link: { tokenHash: string; label: string } & BoardLinkActor): Promise<BoardLink>;
  /** Newest first, revoked ones included (shown as such). */
  list(limit: number): Promise<BoardLink[]>;
  /** The link with this token hash, if it is not revoked. */
  activeByTokenHash(tokenHash: string): Promise<BoardLink | null>;
  /** Whether the link is still live (a board stream checks at each heartbeat, in case a revocation went unheard). */
  isActive(id: string): Promise<boolean>;
  /** Revokes a live link; null when there is no such link or it was revoked already (nothing changes). */
  revoke(id: string, actor: BoardLinkActor): Promise<BoardLink | null>;
}

/** The wall board's figures at `now`, aggregated in the database. */
export interface BoardReads {
  figures(now: Date): Promise<BoardFigures>;
}
