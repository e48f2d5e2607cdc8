import { maskCardData } from "../../domain/card-masking.ts";

/** The fields of a WhatsApp delivery that people write: a text's body, a caption, a reply's title. */
const WRITTEN_FIELDS = new Set(["body", "caption", "title", "description"]);

/**
 * A verified WhatsApp delivery with card data masked in what people wrote, before it is stored
 * for processing: the raw delivery is kept (and an unprocessable one stays), so it must not hold a
 * card number either. Ids, numbers and timestamps are left exactly as sent. The unchanged text is
 * returned when nothing was masked; a body that is not JSON has only its card numbers masked.
 *
 * @example maskDeliveryCardData('{"text":{"body":"4242 4242 4242 4242"}}') // '{"text":{"body":"•••• 4242"}}'
 */
export function maskDeliveryCardData(rawBody: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    return maskCardData(rawBody).text;
  }
  let masked = false;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (typeof field === "string" && WRITTEN_FIELDS.has(key)) {
        const result = maskCardData(field);
        masked ||= result.masked;
        out[key] = result.text;
      } else {
        out[key] = walk(field);
      }
    }
    return out;
  };
  const stored = walk(parsed);
  return masked ? JSON.stringify(stored) : rawBody;
}
