/** Any C0 control character, DEL, or a backslash (browsers read "\" as "/" in http URLs). */
const UNSAFE = /[\u0000-\u001f\u007f\\]/;
const BASE = "http://same-origin.invalid";

/**
 * Where to send a user after login: `next` when it is a path on this site, otherwise "/".
 * Browsers drop tabs and newlines from URLs and treat "\" as "/", so "/\evil.example",
 * "/\t/evil.example" or its encoded form "/%09/evil.example" would turn into the protocol-relative
 * "//evil.example" somewhere between our Location header and the address bar: anything carrying
 * such characters, raw or percent-encoded, is refused rather than cleaned.
 * @example safeRedirectPath("/issues?page=2") // "/issues?page=2"
 * @example safeRedirectPath("//evil.example") // "/"
 */
export function safeRedirectPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || UNSAFE.test(next)) return "/";
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return "/";
  }
  if (decoded.startsWith("//") || UNSAFE.test(decoded)) return "/";
  const url = new URL(next, BASE);
  if (url.origin !== BASE) return "/";
  return url.pathname + url.search + url.hash;
}
