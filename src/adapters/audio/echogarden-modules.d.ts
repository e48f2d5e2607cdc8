// The Echogarden WebAssembly builds ship without types; these are the parts Switchboard calls.

declare module "@echogarden/speex-resampler-wasm" {
  /** The Emscripten module of SpeexDSP's resampler (C API: speex_resampler.h). */
  export interface SpeexModule {
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    /** Views over the module's memory; read them afresh after each allocation (memory may grow). */
    HEAP16: Int16Array;
    HEAP32: Int32Array;
    _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errPtr: number): number;
    _speex_resampler_process_int(
      state: number,
      channel: number,
      inPtr: number,
      inLenPtr: number,
      outPtr: number,
      outLenPtr: number,
    ): number;
    _speex_resampler_skip_zeros(state: number): number;
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_destroy(state: number): void;
  }
  const initialise: () => Promise<SpeexModule>;
  export default initialise;
}

declare module "@echogarden/espeak-ng-emscripten" {
  export interface ESpeakEvent {
    type: string;
    text_position: number;
    word_length: number;
    audio_position: number;
  }
  /** eSpeak NG's synthesiser (22,050 Hz, 16-bit mono). */
  export interface ESpeakNGWorker {
    readonly samplerate: number;
    /** Voice name and language; a variant, gender and age may follow. */
    set_voice(name: string, language: string): number;
    /** Words a minute (espeak's default 175). */
    set_rate(wordsPerMinute: number): number;
    /** Calls back with each chunk of samples as it is made; returning true stops the synthesis. */
    synthesize(text: string, onChunk: (samples: Int16Array, events: ESpeakEvent[]) => boolean): void;
  }
  export interface ESpeakModule {
    eSpeakNGWorker: new () => ESpeakNGWorker;
  }
  const initialise: () => Promise<ESpeakModule>;
  export default initialise;
}
