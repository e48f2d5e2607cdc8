/**
 * A loopback peer that speaks Twilio's REST API for messages, as documented, for the official
 * twilio SDK (its API domain's base URL pointed here):
 *   POST /2010-04-01/Accounts/{AccountSid}/Messages.json  (form: To, From, Body, StatusCallback; HTTP Basic)
 *     → 201 and a Message resource { sid: "SM…", status: "queued", to, from, body, … }
 *   POST /2010-04-01/Accounts/{AccountSid}/Calls.json  (form: To, From, Url or Twiml, StatusCallback…) → 201 and a Call resource { sid: "CA…", status: "queued" }
 *   GET /2010-04-01/Accounts/{AccountSid}.json  → the Account resource (the app's key check)
 *   GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json  → a Call resource set with setCall (404 otherwise)
 *   GET /2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}.wav  → the audio set with setRecording, else a short silent WAV (HTTP Basic)
 * Errors use Twilio's shape, { code, message, more_info, status }. Every request is recorded;
 * failures can be scripted, and answers held (a request in flight when its client dies).
 */

export interface TwilioPeerRequest {
  method: string;
  path: string;
  authorization: string | null;
  form: Record<string, string>;
  /** When it arrived (performance.now()). */
  at: number;
}

export interface TwilioPeer {
  baseUrl: string;
  requests: TwilioPeerRequest[];
  /** The next sends answer these (status, Twilio error code), in order. */
  fail(...failures: { status: number; code: number; message: string; delayMs?: number }[]): void;
  /** How the peer reports a call from now on: Twilio's status word, and for an ended one its end and duration. */
  setCall(callSid: string, state: { status: string; endTime?: Date; durationSeconds?: number }): void;
  /** A finished recording's audio, served as WAV. */
  setRecording(recordingSid: string, wav: Uint8Array): void;
  /**
   * The next `count` requests of that kind are held until releaseHeld() (or close): a message
   * send gets no answer; a recording download gets its headers and half its audio.
   */
  hold(kind: "message" | "recording", count?: number): void;
  /** Answers the held requests (their clients may be long gone). */
  releaseHeld(): void;
  close(): Promise<void>;
}

/** A second of 8 kHz 16-bit mono silence, as a WAV file: what a recording download returns. */
const SILENT_WAV = (() => {
  const samples = 8_000;
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((ch, i) => view.setUint8(at + i, ch.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  ascii(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, 8_000, true);
  view.setUint32(28, 16_000, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, samples * 2, true);
  return bytes;
})();

export async function startTwilioApiPeer(credentials: { accountSid: string; authToken: string }): Promise<TwilioPeer> {
  const requests: TwilioPeerRequest[] = [];
  const failures: { status: number; code: number; message: string; delayMs?: number }[] = [];
  let counter = 0;
  const calls = new Map<string, { status: string; endTime?: Date; durationSeconds?: number }>();
  const recordings = new Map<string, Uint8Array>();
  const toHold = { message: 0, recording: 0 };
  const held: (() => void)[] = [];
  /** Resolves at once, or when released if a hold of this kind is pending. */
  const maybeHold = (kind: keyof typeof toHold) => {
    if (toHold[kind] === 0) return Promise.resolve();
    toHold[kind]--;
    return new Promise<void>((resolve) => held.push(resolve));
  };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    // A held answer stays held: no idle cut-off (Bun's default is 10 s).
    idleTimeout: 0,
    async fetch(req): Promise<Response> {
      const url = new URL(req.url);
      const form = Object.fromEntries(new URLSearchParams(await req.text())) as Record<string, string>;
      requests.push({
        method: req.method,
        path: url.pathname,
        authorization: req.headers.get("Authorization"),
        form,
        at: performance.now(),
      });
      const error = (status: number, code: number, message: string) =>
        Response.json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, { status });
      if (req.headers.get("Authorization") !== `Basic ${btoa(`${credentials.accountSid}:${credentials.authToken}`)}`)
        return error(401, 20003, "Authenticate");
      if (req.method === "GET" && url.pathname === `/2010-04-01/Accounts/${credentials.accountSid}.json`)
        return Response.json({
          sid: credentials.accountSid,
          friendly_name: "Switchboard",
          status: "active",
          type: "Full",
          owner_account_sid: credentials.accountSid,
          date_created: "Mon, 02 Nov 2026 09:00:00 +0000",
          date_updated: "Mon, 02 Nov 2026 09:00:00 +0000",
          uri: `/2010-04-01/Accounts/${credentials.accountSid}.json`,
        });
      const callPath = url.pathname.match(
        new RegExp(`^/2010-04-01/Accounts/${credentials.accountSid}/Calls/(CA\\w+)\\.json$`),
      );
      if (req.method === "GET" && callPath) {
        const call = calls.get(callPath[1]!);
        if (!call) return error(404, 20404, "The requested resource was not found");
        const rfc2822 = (at: Date | undefined) => at?.toUTCString().replace("GMT", "+0000") ?? null;
        return Response.json({
          sid: callPath[1],
          account_sid: credentials.accountSid,
          status: call.status,
          direction: "inbound",
          from: "+447700900123",
          to: "+442079460000",
          start_time: rfc2822(new Date(Date.now() - 60_000)),
          end_time: rfc2822(call.endTime),
          duration: call.durationSeconds === undefined ? null : String(call.durationSeconds),
          api_version: "2010-04-01",
          uri: url.pathname,
        });
      }
      const recordingPath = url.pathname.match(
        new RegExp(`^/2010-04-01/Accounts/${credentials.accountSid}/Recordings/(RE\\w+?)(\\.wav)?$`),
      );
      if (req.method === "GET" && recordingPath) {
        const wav = recordings.get(recordingPath[1]!) ?? SILENT_WAV;
        // A held download is in flight: Twilio has answered and sent the first half of the audio.
        const rest = maybeHold("recording");
        const half = Math.ceil(wav.byteLength / 2);
        let part = 0;
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (part === 0) controller.enqueue(wav.slice(0, half));
            else if (part === 1) {
              await rest;
              controller.enqueue(wav.slice(half));
            } else controller.close();
            part++;
          },
        });
        return new Response(body, {
          headers: { "Content-Type": "audio/x-wav", "Content-Length": String(wav.byteLength) },
        });
      }
      if (req.method === "POST" && url.pathname === `/2010-04-01/Accounts/${credentials.accountSid}/Calls.json`) {
        if (!form.To || !form.From || !(form.Url || form.Twiml))
          return error(400, 21205, "A 'To' phone number, 'From' and 'Url' or 'Twiml' are required.");
        const failure = failures.shift();
        if (failure) return error(failure.status, failure.code, failure.message);
        const sid = `CA${(++counter).toString(16).padStart(32, "0")}`;
        const now = new Date().toUTCString().replace("GMT", "+0000");
        return Response.json(
          {
            sid,
            account_sid: credentials.accountSid,
            to: form.To,
            from: form.From,
            status: "queued",
            direction: "outbound-api",
            date_created: now,
            date_updated: now,
            start_time: null,
            end_time: null,
            duration: null,
            price: null,
            api_version: "2010-04-01",
            uri: `/2010-04-01/Accounts/${credentials.accountSid}/Calls/${sid}.json`,
          },
          { status: 201 },
        );
      }
      if (req.method !== "POST" || url.pathname !== `/2010-04-01/Accounts/${credentials.accountSid}/Messages.json`)
        return error(404, 20404, "The requested resource was not found");
      if (!form.To || !form.From || !form.Body)
        return error(400, 21604, "A 'To' phone number, 'From' and 'Body' are required.");
      await maybeHold("message");
      const failure = failures.shift();
      if (failure) {
        if (failure.delayMs) await Bun.sleep(failure.delayMs);
        return error(failure.status, failure.code, failure.message);
      }
      const sid = `SM${(++counter).toString(16).padStart(32, "0")}`;
      const now = new Date().toUTCString().replace("GMT", "+0000");
      return Response.json(
        {
          account_sid: credentials.accountSid,
          api_version: "2010-04-01",
          body: form.Body,
          date_created: now,
          date_sent: null,
          date_updated: now,
          direction: "outbound-api",
          error_code: null,
          error_message: null,
          from: form.From,
          messaging_service_sid: null,
          num_media: "0",
          num_segments: "1",
          price: null,
          price_unit: "GBP",
          sid,
          status: "queued",
          subresource_uris: { media: `/2010-04-01/Accounts/${credentials.accountSid}/Messages/${sid}/Media.json` },
          to: form.To,
          uri: `/2010-04-01/Accounts/${credentials.accountSid}/Messages/${sid}.json`,
        },
        { status: 201 },
      );
    },
  });
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    requests,
    fail: (...list) => void failures.push(...list),
    setCall: (callSid, state) => void calls.set(callSid, state),
    setRecording: (recordingSid, wav) => void recordings.set(recordingSid, wav),
    hold: (kind, count = 1) => void (toHold[kind] += count),
    releaseHeld: () => {
      for (const release of held.splice(0)) release();
    },
    close: async () => {
      for (const release of held.splice(0)) release();
      await server.stop(true);
    },
  };
}
