/**
 * C0 control characters and DEL, but not tab, newline and carriage return. PostgreSQL's text
 * refuses NUL, and no person means the others; text from outside (a WhatsApp message, an
 * error's message) loses them before it is stored rather than failing to be stored at all.
 */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** `text` without control characters (tab, newline and carriage return kept). */
export const storableText = (text: string): string => text.replace(CONTROL_CHARACTERS, "");

/** `value` with every string inside it (in plain objects and arrays) made storable; other values kept as they are. */
export function withStorableText<T>(value: T): T {
  if (typeof value === "string") return storableText(value) as T;
  if (Array.isArray(value)) return value.map(withStorableText) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withStorableText(item)])) as T;
  return value;
}
