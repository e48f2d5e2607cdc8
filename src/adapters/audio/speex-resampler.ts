import type { SpeexModule } from "@echogarden/speex-resampler-wasm";

/**
 * Sample-rate conversion with SpeexDSP's resampler (compiled to WebAssembly): a windowed-sinc
 * filter that low-passes below the new Nyquist frequency, so going down from 22,050 Hz to
 * 8,000 Hz (a fractional ratio) folds no energy above 4 kHz back into the telephone band, as
 * dropping or averaging samples would.
 *
 * Streaming: push chunks as they come; the filter's state carries across chunks, so a sentence
 * resampled in pieces equals the sentence resampled whole. `flush()` drains the filter's tail.
 *
 * @example
 * const speex = await loadSpeex();
 * const down = createSpeexResampler(speex, { fromHz: 22_050, toHz: 8_000 });
 * const out = [...chunks.map((c) => down.push(c)), down.flush()];
 */
export interface StreamResampler {
  /** Resampled audio for `input`, as much as the filter can give yet. */
  push(input: Int16Array): Int16Array;
  /** The rest, then frees the filter: the resampler cannot be used again. */
  flush(): Int16Array;
  /** Frees the filter without draining it (the audio was abandoned). Safe to call twice. */
  close(): void;
}

let loading: Promise<SpeexModule> | null = null;

/** The one SpeexDSP instance of this thread (about 50 kB of WebAssembly), loaded on first use. */
export function loadSpeex(): Promise<SpeexModule> {
  loading ??= import("@echogarden/speex-resampler-wasm").then((m) => m.default());
  return loading;
}

/** Samples handed to the filter at a time; buffers are sized for it once. */
const BLOCK = 4096;

export function createSpeexResampler(
  speex: SpeexModule,
  options: { fromHz: number; toHz: number /** 0–10; 5 is SpeexDSP's "desktop" quality. */; quality?: number },
): StreamResampler {
  const { fromHz, toHz } = options;
  const outCapacity = Math.ceil((BLOCK * toHz) / fromHz) + 64;
  const inPtr = speex._malloc(BLOCK * 2);
  const outPtr = speex._malloc(outCapacity * 2);
  const lengths = speex._malloc(8);
  const state = speex._speex_resampler_init(1, fromHz, toHz, options.quality ?? 5, lengths);
  const failed = speex.HEAP32[lengths >> 2]!;
  if (state === 0 || failed !== 0) {
    for (const p of [inPtr, outPtr, lengths]) speex._free(p);
    throw new Error(`SpeexDSP resampler could not start (${fromHz} → ${toHz} Hz, code ${failed})`);
  }
  // Without this the output starts with the filter's delay as silence.
  speex._speex_resampler_skip_zeros(state);
  let open = true;

  const run = (input: Int16Array): Int16Array => {
    if (!open) throw new Error("the resampler was already flushed or closed");
    const pieces: Int16Array[] = [];
    let offset = 0;
    while (offset < input.length) {
      const take = Math.min(BLOCK, input.length - offset);
      // The module's memory may have grown since the last call: take the views afresh.
      speex.HEAP16.set(input.subarray(offset, offset + take), inPtr >> 1);
      speex.HEAP32[lengths >> 2] = take;
      speex.HEAP32[(lengths >> 2) + 1] = outCapacity;
      const code = speex._speex_resampler_process_int(state, 0, inPtr, lengths, outPtr, lengths + 4);
      if (code !== 0) throw new Error(`SpeexDSP resampler failed (code ${code})`);
      const used = speex.HEAP32[lengths >> 2]!;
      const made = speex.HEAP32[(lengths >> 2) + 1]!;
      if (used === 0 && made === 0) throw new Error("SpeexDSP resampler made no progress");
      pieces.push(speex.HEAP16.slice(outPtr >> 1, (outPtr >> 1) + made));
      offset += used;
    }
    return concat(pieces);
  };

  const close = () => {
    if (!open) return;
    open = false;
    speex._speex_resampler_destroy(state);
    for (const p of [inPtr, outPtr, lengths]) speex._free(p);
  };

  return {
    push: run,
    flush() {
      // The filter holds back its input latency: feed that much silence to push the tail out.
      const tail = run(new Int16Array(speex._speex_resampler_get_input_latency(state)));
      close();
      return tail;
    },
    close,
  };
}

function concat(pieces: Int16Array[]): Int16Array {
  if (pieces.length === 1) return pieces[0]!;
  const out = new Int16Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
