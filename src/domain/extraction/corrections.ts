import { TRADE_CATEGORIES, URGENCIES } from "../issues.ts";
import { isEmailAddress, LEAD_SEGMENTS, NOT_AN_EMAIL } from "../leads.ts";
import { normalisePhone } from "../phone.ts";
import { normalisePostcode } from "../postcode.ts";
import { ok, reject, type Result } from "../result.ts";
import { CORRECTABLE_FIELDS, type CorrectableField } from "./extraction.ts";

const CHOICES: Partial<Record<CorrectableField, readonly string[]>> = {
  urgency: URGENCIES,
  category: TRADE_CATEGORIES,
  segment: LEAD_SEGMENTS,
};

/**
 * A value staff typed for one detail, checked and tidied as the form fields are: a postcode
 * in its written form, a phone number in E.164, a choice from its list. Empty clears the field
 * (a segment goes back to unknown).
 */
export function correctField(
  field: string,
  raw: string,
): Result<{ field: CorrectableField; value: string | null }, "invalid_correction"> {
  if (!(CORRECTABLE_FIELDS as readonly string[]).includes(field))
    return reject("invalid_correction", `"${field}" is not a detail of a call.`);
  const name = field as CorrectableField;
  const value = raw.trim();
  if (value.length > 500) return reject("invalid_correction", "Keep it to 500 characters or fewer.");
  if (value === "") return ok({ field: name, value: name === "segment" ? "unknown" : null });
  const choices = CHOICES[name];
  if (choices && !choices.includes(value)) return reject("invalid_correction", `Choose one of: ${choices.join(", ")}.`);
  if (name === "postcode") {
    const postcode = normalisePostcode(value);
    return postcode.ok ? ok({ field: name, value: postcode.value }) : reject("invalid_correction", postcode.message);
  }
  if (name === "email" && !isEmailAddress(value)) return reject("invalid_correction", NOT_AN_EMAIL);
  if (name === "phone") {
    const phone = normalisePhone(value);
    return phone.ok ? ok({ field: name, value: phone.value }) : reject("invalid_correction", phone.message);
  }
  return ok({ field: name, value });
}
