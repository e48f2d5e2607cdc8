import { type Hook, zValidator } from "@hono/zod-validator";
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { FieldErrors } from "../domain/validation.ts";
import type { AppEnv } from "./deps.ts";

/**
 * The HTTP edge's input schemas only shape what arrives: one string per field, trimmed, within
 * an outer size bound, numbers coerced. The rules (which values are allowed, each field's own
 * length limit) stay in the domain's validators that the routes call next; these bounds sit
 * above the domain's so its messages still win for ordinary input.
 */

/** Outer bound for one-line fields (names, addresses, emails); the domain's limits are lower. */
export const LINE_MAX = 1_000;
/** Outer bound for free text (notes, descriptions, messages, pasted JSON). */
export const TEXT_MAX = 20_000;
/** Outer bound for codes and ids (phone numbers, postcodes, statuses, ids). */
export const CODE_MAX = 100;

const tooLong = (max: number) => `Keep it to ${max} characters or fewer.`;

/** A form field as one string: a repeated field keeps its last value (as parseBody gives it); absent or a file is "". */
const lastString = (value: unknown): string => {
  const last = Array.isArray(value) ? value.at(-1) : value;
  return typeof last === "string" ? last : "";
};

/** A form field's text, trimmed, at most `max` characters; "" when absent. */
export const formText = (max: number) => z.preprocess(lastString, z.string().trim().max(max, tooLong(max)));

/** A form field kept exactly as typed (passwords), at most `max` characters; "" when absent. */
export const formRaw = (max: number) => z.preprocess(lastString, z.string().max(max, tooLong(max)));

/**
 * A field repeated once per row of a form (rows are matched by order), each value at most `max`
 * characters and kept as typed; at most `rows` of them. Absent is no rows.
 */
export const formList = (max: number, rows: number) =>
  z.preprocess(
    (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
    z.array(z.string().max(max, tooLong(max))).max(rows, `Keep it to ${rows} rows or fewer.`),
  );

/** A whole number from a form or query string; anything else becomes `fallback`. */
export const formInt = (fallback: number) =>
  z.preprocess(
    lastString,
    z.string().transform((raw) => {
      const n = Number.parseInt(raw, 10);
      return Number.isSafeInteger(n) ? n : fallback;
    }),
  );

/** A search box's text from the query string: trimmed and cut (not refused) at 100 characters, as a search box should be. */
export const searchText = () =>
  z.preprocess(
    (value) => String((Array.isArray(value) ? value[0] : value) ?? ""),
    z
      .string()
      .trim()
      .transform((q) => q.slice(0, 100)),
  );

/** A list's page number from the query string: anything unreadable is page 1, and it stays within 1..`last`. */
export const pageNumber = (last: number) => formInt(1).transform((n) => Math.max(1, Math.min(last, n)));

/** What a refused parse tells a route: an error per field, and the raw fields as strings to show again. */
export interface InvalidInput {
  errors: FieldErrors;
  values: Record<string, string>;
}

/** What the hook needs of zod's error (v4 core's $ZodError, which the validator hands over). */
type ParseError = { issues: readonly { path: readonly PropertyKey[]; message: string }[] };

/** Each field's first problem, keyed by the field's name (the form shows it beside that field). */
export function fieldErrors(error: ParseError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return errors;
}

const asStrings = (data: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries((data ?? {}) as Record<string, unknown>).map(([key, value]) => [key, lastString(value)]),
  );

/** A route's answer to refused input, when it has a better one than the flash message (a form with its errors). */
export type OnInvalid = (c: Context<AppEnv>, invalid: InvalidInput) => Response | Promise<Response>;

/**
 * The one hook for every edge schema: a refused parse becomes the route's own answer for bad
 * input (`onInvalid`, e.g. the form again with the reason beside the field), else a 422 whose
 * message `onError` shows in the #flash area, on the error page, or as JSON under /api/.
 */
export const refuseInvalid =
  (onInvalid?: OnInvalid) =>
  async (
    result: { success: true } | { success: false; error: ParseError; data: unknown },
    c: Context<AppEnv>,
  ): Promise<Response | undefined> => {
    if (result.success) return undefined;
    const errors = fieldErrors(result.error);
    if (onInvalid) return onInvalid(c, { errors, values: asStrings(result.data) });
    const [field, message] = Object.entries(errors)[0] ?? ["form", "The request could not be read."];
    throw new HTTPException(422, { message: field === "form" ? message : `${field}: ${message}` });
  };

/**
 * C0 control characters and DEL, but not tab, newline and carriage return, which typed text may
 * hold. PostgreSQL's text refuses NUL outright, and none of the others is anything a person types.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The name of the first field (or key) in `input` holding a control character, else null. */
export function fieldWithControlCharacter(input: unknown, name = "input"): string | null {
  if (typeof input === "string") return CONTROL_CHARACTER.test(input) ? name : null;
  if (Array.isArray(input)) {
    for (const item of input) {
      const found = fieldWithControlCharacter(item, name);
      if (found) return found;
    }
    return null;
  }
  if (input && typeof input === "object" && !(input instanceof Blob)) {
    for (const [key, value] of Object.entries(input)) {
      if (CONTROL_CHARACTER.test(key)) return "a field name";
      const found = fieldWithControlCharacter(value, key);
      if (found) return found;
    }
  }
  return null;
}

const refusedControlCharacter = (field: string) =>
  new HTTPException(400, { message: `${field}: contains a control character (such as NUL); remove it and try again.` });

/** Every query string, on every route: read before any handler, so no route can pass one on to the database. */
export const refuseControlCharactersInQuery = (): MiddlewareHandler => async (c, next) => {
  const field = fieldWithControlCharacter(c.req.queries());
  if (field) throw refusedControlCharacter(field);
  await next();
};

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/;
const mediaTypeOf = (c: Context) => (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();

/**
 * The body as the validator will see it, parsed once (Hono caches it, so the validator and the
 * cross-site check reuse the same parse): a body that cannot be parsed is a 400 here.
 */
async function parsedBody(c: Context, target: "form" | "json"): Promise<unknown> {
  const mediaType = mediaTypeOf(c);
  if (target === "json") {
    if (!JSON_TYPE.test(mediaType)) return undefined;
    try {
      return await c.req.json();
    } catch {
      throw new HTTPException(400, { message: "The JSON body could not be read." });
    }
  }
  if (mediaType !== "multipart/form-data" && mediaType !== "application/x-www-form-urlencoded") return undefined;
  try {
    // Hono keeps a promise here at run time (its type says FormData); the validator awaits it.
    const cache = c.req.bodyCache as { formData?: Promise<FormData> };
    cache.formData ??= c.req
      .arrayBuffer()
      .then((buffer) =>
        new Response(buffer, { headers: { "Content-Type": c.req.header("Content-Type")! } }).formData(),
      );
    const form = await cache.formData;
    return [...form.entries()].map(([key, value]) => ({ [key]: value }));
  } catch {
    throw new HTTPException(400, { message: "The form could not be read." });
  }
}

/** `validator`, after refusing a body that cannot be parsed or holds a control character (400 with the field). */
const refusingControlCharacters = <M extends MiddlewareHandler>(target: "form" | "json", validator: M): M =>
  (async (c: Context, next: () => Promise<void>) => {
    const field = fieldWithControlCharacter(await parsedBody(c, target));
    if (field) throw refusedControlCharacter(field);
    return validator(c, next);
  }) as M;

type EdgeHook<S extends z.ZodType, Target extends "form" | "json" | "query"> = Hook<
  z.infer<S>,
  AppEnv,
  string,
  Target,
  {},
  S
>;

/**
 * A posted form (urlencoded or multipart) read through `schema`; the route reads it with
 * `c.req.valid("form")`.
 * @example app.post("/leads", validForm(leadForm, (c, bad) => renderInvalid(c, bad)), async (c) => { const form = c.req.valid("form"); … })
 */
export const validForm = <S extends z.ZodType>(schema: S, onInvalid?: OnInvalid) =>
  refusingControlCharacters(
    "form",
    zValidator<S, "form", AppEnv, string, EdgeHook<S, "form">>("form", schema, refuseInvalid(onInvalid)),
  );

/** A JSON body read through `schema`; read it with `c.req.valid("json")`. */
export const validJson = <S extends z.ZodType>(schema: S, onInvalid?: OnInvalid) =>
  refusingControlCharacters(
    "json",
    zValidator<S, "json", AppEnv, string, EdgeHook<S, "json">>("json", schema, refuseInvalid(onInvalid)),
  );

/** The query string read through `schema` (its control characters were refused in app.ts); read it with `c.req.valid("query")`. */
export const validQuery = <S extends z.ZodType>(schema: S, onInvalid?: OnInvalid) =>
  zValidator<S, "query", AppEnv, string, EdgeHook<S, "query">>("query", schema, refuseInvalid(onInvalid));
