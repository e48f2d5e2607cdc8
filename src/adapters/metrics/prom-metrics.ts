import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { VENDORS, WEBHOOK_PROVIDERS, type Metrics, type MetricsExposition, type Vendor } from "../../ports/metrics.ts";

/** Transcribers' names as labels: the vendor's own, "demo" for the scripted one, else "other". */
const TRANSCRIBER_LABELS = ["wisprflow", "deepgram", "demo"] as const;
const transcriberLabel = (name: string) =>
  TRANSCRIBER_LABELS.find((label) => name.toLowerCase().startsWith(label)) ?? "other";

/**
 * The Metrics port on a prom-client registry (one per app, never the global default, so tests can
 * build several apps). Every series is created here with its help text; label values come from
 * the port's fixed lists.
 * @example const metrics = createPromMetrics(new Registry()); metrics.sseViewers.up();
 */
export function createPromMetrics(registry: Registry): Metrics & { exposition: MetricsExposition } {
  const registers = [registry];
  const callsInProgress = new Gauge({
    name: "switchboard_calls_in_progress",
    help: "Media streams open on this instance (live calls being transcribed).",
    registers,
  });
  // 50 frames a second per track per call: counted in a plain number, handed to prom-client at
  // scrape time (its inc() allocates per call).
  let framesReceived = 0;
  let framesReported = 0;
  new Counter({
    name: "switchboard_media_frames_received_total",
    help: "Twilio media frames received (20 ms of one track each).",
    registers,
    collect() {
      this.inc(framesReceived - framesReported);
      framesReported = framesReceived;
    },
  });
  const resultLatency = new Histogram({
    name: "switchboard_transcriber_result_latency_seconds",
    help: "From receiving the audio a final transcript line ends with to receiving the line, by transcriber.",
    labelNames: ["transcriber"],
    buckets: [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10],
    registers,
  });
  const fallbacks = new Counter({
    name: "switchboard_transcriber_fallbacks_total",
    help: "Live transcription switched from the primary vendor to the fallback.",
    registers,
  });
  const reconnects = new Counter({
    name: "switchboard_transcriber_reconnects_total",
    help: "Live transcription lost its vendor and tried to connect again.",
    registers,
  });
  const sseViewers = new Gauge({
    name: "switchboard_sse_viewers",
    help: "Server-sent event streams open to staff pages on this instance.",
    registers,
  });
  const webhooks = new Counter({
    name: "switchboard_webhooks_total",
    help: "Provider webhooks answered, by provider and outcome (accepted, refused, failed).",
    labelNames: ["provider", "outcome"],
    registers,
  });
  const webhookLatency = new Histogram({
    name: "switchboard_webhook_duration_seconds",
    help: "Time to answer a provider webhook, by provider.",
    labelNames: ["provider"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const vendorErrors = new Counter({
    name: "switchboard_vendor_errors_total",
    help: "Calls to a vendor that failed (refused, unreachable, timed out, dropped), by vendor.",
    labelNames: ["vendor"],
    registers,
  });
  // Every label value shown from the first scrape (at 0), so a rate() has a start and a dashboard its rows.
  for (const provider of WEBHOOK_PROVIDERS) webhookLatency.zero({ provider });
  for (const vendor of VENDORS) vendorErrors.inc({ vendor }, 0);

  return {
    callsInProgress: { up: () => callsInProgress.inc(), down: () => callsInProgress.dec() },
    mediaFramesReceived: {
      inc: () => {
        framesReceived++;
      },
    },
    transcriberResult: (transcriber, seconds) => resultLatency.labels(transcriberLabel(transcriber)).observe(seconds),
    transcriberFallbacks: { inc: () => fallbacks.inc() },
    transcriberReconnects: { inc: () => reconnects.inc() },
    sseViewers: { up: () => sseViewers.inc(), down: () => sseViewers.dec() },
    webhookHandled(provider, outcome, seconds) {
      webhooks.labels(provider, outcome).inc();
      webhookLatency.labels(provider).observe(seconds);
    },
    vendorError: (vendor: Vendor) => vendorErrors.labels(VENDORS.includes(vendor) ? vendor : "other").inc(),
    exposition: {
      contentType: registry.contentType,
      text: () => registry.metrics(),
    },
  };
}
