/**
 * Reads samples out of Prometheus' text exposition format (what GET /metrics serves), so tests
 * can compare a series before and after something happens.
 */

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Every sample line of a scrape (comments and blank lines left out). */
export function samples(text: string): Sample[] {
  const found: Sample[] = [];
  for (const line of text.split("\n")) {
    const match = SAMPLE.exec(line.trim());
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(LABEL)) labels[key!] = value!;
    found.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return found;
}

/**
 * The value of the one series named `name` whose labels include `labels`; null when there is
 * none. Throws when several match, so a test never reads the wrong one by accident.
 * @example sampleValue(text, "switchboard_webhooks_total", { provider: "stripe", outcome: "accepted" })
 */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | null {
  const matching = samples(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
  if (matching.length > 1) throw new Error(`${matching.length} series of ${name} match ${JSON.stringify(labels)}`);
  return matching[0]?.value ?? null;
}
