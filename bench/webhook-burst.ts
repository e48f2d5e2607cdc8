/**
 * A burst of signed webhook deliveries, run by bench/messaging.ts (WhatsApp) and
 * bench/quotes-webhooks.ts (Stripe) as its own process so that sending never competes with the
 * server's event loop. Open loop: delivery i leaves at start + i / rate seconds whether or not
 * earlier ones have been answered (as Meta's and Stripe's do), and each acknowledgement time is
 * measured from when it left.
 *
 * Input (argv[2], a JSON file): { url, rate, signatureHeader, deliveries: [{ body, signature }] }.
 * Output (stdout, JSON): { latenciesMs, statuses, seconds, lateStarts }.
 */
import { readFileSync } from "node:fs";

export interface BurstPlan {
  url: string;
  rate: number;
  /** The header the signature goes in: X-Hub-Signature-256, Stripe-Signature. */
  signatureHeader: string;
  deliveries: { body: string; signature: string }[];
}

const plan = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as BurstPlan;
const latencies: number[] = [];
const statuses: Record<string, number> = {};
let lateStarts = 0;
const start = performance.now();

await Promise.all(
  plan.deliveries.map(async (delivery, i) => {
    const due = start + (i * 1000) / plan.rate;
    const wait = due - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    else if (wait < -5) lateStarts++;
    const sent = performance.now();
    let status = "error";
    try {
      const response = await fetch(plan.url, { method: "POST", headers: { "Content-Type": "application/json", [plan.signatureHeader]: delivery.signature }, body: delivery.body });
      await response.arrayBuffer();
      status = String(response.status);
    } catch (error) {
      status = `error: ${error instanceof Error ? error.message.split(".")[0] : String(error)}`;
    } finally {
      latencies.push(performance.now() - sent);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }),
);

console.log(JSON.stringify({ latenciesMs: latencies, statuses, seconds: (performance.now() - start) / 1000, lateStarts }));
