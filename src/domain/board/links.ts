import type { BoardLink, BoardLinks } from "../../ports/board.ts";
import type { LiveEvents } from "../../ports/live-events.ts";
import { ok, reject, type Result } from "../result.ts";
import { sessionKey } from "../session-key.ts";
import { BOARD_LINKS_CHANNEL } from "./channel.ts";

/** 128 random bits, base64url without padding: 22 characters. */
const TOKEN_BYTES = 16;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}$/;
const LABEL_MAX = 80;

/** A new board token: only its SHA-256 is stored, so it is shown once, when made. */
export const newBoardToken = (): string =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(TOKEN_BYTES))))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

/** Whether `text` could be a board token at all: anything else is refused before the database is asked. */
export const looksLikeBoardToken = (text: string): boolean => TOKEN_SHAPE.test(text);

/** SHA-256 (hex) of a token: what the database keeps, as for session ids. */
export const boardTokenHash = (token: string): Promise<string> => sessionKey(token);

/** The name the admin gives the screen ("Office TV"), trimmed; required, one line. */
export function parseBoardLabel(text: string): Result<string, "bad_label"> {
  const label = text.trim();
  if (label === "") return reject("bad_label", "Name the screen the link is for, e.g. “Office TV”.");
  if (label.length > LABEL_MAX) return reject("bad_label", `Keep the name under ${LABEL_MAX} characters.`);
  if (/[\u0000-\u001f\u007f]/.test(label)) return reject("bad_label", "The name must be one line of text.");
  return ok(label);
}

export interface BoardLinkDeps {
  boardLinks: BoardLinks;
  liveEvents: LiveEvents;
  now: () => Date;
}

/** Makes a link for a screen (audited in the repository's transaction); the token is returned this once. */
export async function createBoardLink(
  deps: BoardLinkDeps,
  label: string,
  who: string,
): Promise<Result<{ link: BoardLink; token: string }, "bad_label">> {
  const parsed = parseBoardLabel(label);
  if (!parsed.ok) return parsed;
  const token = newBoardToken();
  const link = await deps.boardLinks.create({
    tokenHash: await boardTokenHash(token),
    label: parsed.value,
    who,
    at: deps.now(),
  });
  return ok({ link, token });
}

/** Revokes a link (audited) and closes every board open with it, on every instance. */
export async function revokeBoardLink(
  deps: BoardLinkDeps,
  id: string,
  who: string,
): Promise<Result<BoardLink, "not_found">> {
  const link = await deps.boardLinks.revoke(id, { who, at: deps.now() });
  if (!link) return reject("not_found", "No such board link, or it was revoked already.");
  await deps.liveEvents.publish(BOARD_LINKS_CHANNEL, { type: "revoked", data: { linkId: link.id } });
  return ok(link);
}

/** The live link a token opens, or null: unknown, malformed and revoked tokens all look alike. */
export async function openBoardLink(deps: Pick<BoardLinkDeps, "boardLinks">, token: string): Promise<BoardLink | null> {
  if (!looksLikeBoardToken(token)) return null;
  return deps.boardLinks.activeByTokenHash(await boardTokenHash(token));
}
