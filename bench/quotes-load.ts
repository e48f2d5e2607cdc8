/**
 * The webhook burst's sender, run by bench/quotes-webhooks.ts as its own process so that
 * sending never competes with the server's event loop. Open loop: delivery i leaves at
 * start + i / rate seconds whether or not earlier ones have been answered (as Stripe's
 * deliveries do), and each acknowledgement time is measured from when it left.
 *
 * Input (argv[2], a JSON file): { url, rate, deliveries: [{ body, signature }] }.
 * Output (stdout, JSON): { latenciesMs, statuses, seconds, lateStarts }.
 */
import { readFileSync } from "node:fs";

interface Plan {
  url: string;
  rate: number;
  deliveries: { body: string; signature: string }[];
}

const plan = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Plan;
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
      const response = await fetch(plan.url, { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": delivery.signature }, body: delivery.body });
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
