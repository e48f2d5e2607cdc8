/**
 * A burst of signed webhook deliveries, run by bench/messaging.ts (WhatsApp) and
 * bench/quotes-webhooks.ts (Stripe) as its own process so that sending never competes with the
 * server's event loop. Open loop: delivery i leaves at start + i / rate seconds whether or not
 * earlier ones have been answered (as Meta's and Stripe's do), and each acknowledgement time is
 * measured from when it left.
 *
 * The benches call {@link sendBurst}; run as a script it takes the plan (a JSON file, argv[2])
 * and prints the result (JSON) on stdout.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface BurstPlan {
  url: string;
  rate: number;
  /** The header the signature goes in: X-Hub-Signature-256, Stripe-Signature. */
  signatureHeader: string;
  deliveries: { body: string; signature: string }[];
}

export interface BurstResult {
  /** Acknowledgement times in ms, in the order they came back. */
  latenciesMs: number[];
  statuses: Record<string, number>;
  seconds: number;
  /** Deliveries that left more than 5 ms after they were due (the sender fell behind). */
  lateStarts: number;
}

/** Sends the burst from a process of its own (the plan goes through a file in `workDir`). */
export async function sendBurst(plan: BurstPlan, workDir: string): Promise<BurstResult> {
  const planFile = join(workDir, "burst-plan.json");
  writeFileSync(planFile, JSON.stringify(plan));
  const child = Bun.spawn([process.execPath, import.meta.path, planFile], { stdout: "pipe", stderr: "inherit" });
  const output = await new Response(child.stdout).text();
  if ((await child.exited) !== 0) throw new Error(`the sender failed: ${output}`);
  return JSON.parse(output) as BurstResult;
}

async function send(plan: BurstPlan): Promise<BurstResult> {
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
        const response = await fetch(plan.url, {
          method: "POST",
          headers: { "Content-Type": "application/json", [plan.signatureHeader]: delivery.signature },
          body: delivery.body,
        });
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

  return { latenciesMs: latencies, statuses, seconds: (performance.now() - start) / 1000, lateStarts };
}

if (import.meta.main)
  console.log(JSON.stringify(await send(JSON.parse(readFileSync(process.argv[2]!, "utf8")) as BurstPlan)));
