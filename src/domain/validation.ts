import { ok, type Result } from "./result.ts";

/** Field name → message, shown beside that field in the form. */
export type FieldErrors = Record<string, string>;

export type Invalid = { ok: false; reason: "invalid"; message: string; errors: FieldErrors };
export type Validated<T> = { ok: true; value: T } | Invalid;

export const invalid = (errors: FieldErrors): Invalid => ({
  ok: false,
  reason: "invalid",
  message: "Some fields need attention.",
  errors,
});

/** Ok when no field has an error. */
export const validated = <T>(errors: FieldErrors, value: () => T): Validated<T> =>
  Object.keys(errors).length > 0 ? invalid(errors) : ok(value());

export const blankToNull = (value: string | undefined | null): string | null => {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
};

/**
 * Adds an error for each string field longer than its limit. Measured after trimming, as the
 * value is stored trimmed; the limit itself is allowed.
 */
export function checkLengths<I extends object>(
  input: I,
  limits: Partial<Record<keyof I & string, number>>,
  errors: FieldErrors,
): void {
  for (const [field, limit] of Object.entries(limits) as [keyof I & string, number][]) {
    const value = input[field];
    if (typeof value === "string" && value.trim().length > limit)
      errors[field] = `Keep it to ${limit} characters or fewer.`;
  }
}

export type { Result };
