/**
 * A loopback peer that speaks Twilio's REST API for a call's recording, as documented, for the
 * official twilio SDK (its API domain's base URL pointed here):
 *   POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid | Twilio.CURRENT}.json
 *     (form: Status = paused | in-progress | stopped, PauseBehavior = skip | silence; HTTP Basic)
 *     → 200 and a Recording resource { sid: "RE…", call_sid, status, … }
 * A call it was not told of answers 404 (Twilio's 20404); errors use Twilio's shape. Every request is recorded.
 */

export interface TwilioRecordingsPeer {
  baseUrl: string;
  requests: { path: string; form: Record<string, string> }[];
  /** Each call's recording status as the peer holds it. */
  statusOf(callSid: string): string | undefined;
  /** A call whose recording is running. */
  recording(callSid: string): void;
  close(): Promise<void>;
}

export function startTwilioRecordingsPeer(credentials: {
  accountSid: string;
  authToken: string;
}): TwilioRecordingsPeer {
  const requests: TwilioRecordingsPeer["requests"] = [];
  const recordings = new Map<string, { sid: string; status: string }>();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const form = Object.fromEntries(new URLSearchParams(await req.text())) as Record<string, string>;
      requests.push({ path: url.pathname, form });
      const error = (status: number, code: number, message: string) =>
        Response.json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, { status });
      if (req.headers.get("Authorization") !== `Basic ${btoa(`${credentials.accountSid}:${credentials.authToken}`)}`)
        return error(401, 20003, "Authenticate");
      const match = url.pathname.match(
        new RegExp(`^/2010-04-01/Accounts/${credentials.accountSid}/Calls/(CA[0-9a-f]{32})/Recordings/([^/]+)\\.json$`),
      );
      const recording = match ? recordings.get(match[1] as string) : undefined;
      if (req.method !== "POST" || !match || !recording)
        return error(404, 20404, "The requested resource was not found");
      if (match[2] !== "Twilio.CURRENT" && match[2] !== recording.sid) return error(404, 20404, "Not found");
      if (!["paused", "in-progress", "stopped"].includes(form.Status ?? ""))
        return error(400, 21220, "Invalid call state for recording update");
      recording.status = form.Status as string;
      return Response.json({
        account_sid: credentials.accountSid,
        api_version: "2010-04-01",
        call_sid: match[1],
        sid: recording.sid,
        status: recording.status,
        channels: 2,
        source: "DialVerb",
        start_time: new Date().toUTCString(),
        uri: `/2010-04-01/Accounts/${credentials.accountSid}/Calls/${match[1]}/Recordings/${recording.sid}.json`,
      });
    },
  });
  let counter = 0;
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    requests,
    statusOf: (callSid) => recordings.get(callSid)?.status,
    recording: (callSid) =>
      void recordings.set(callSid, { sid: `RE${(++counter).toString(16).padStart(32, "0")}`, status: "in-progress" }),
    close: async () => {
      await server.stop(true);
    },
  };
}
