/**
 * What we send back on a bidirectional Twilio media stream (`<Connect><Stream>`), as Twilio
 * documents it: `media` (base64 µ-law 8 kHz to play, in order), `mark` (echoed back with its
 * name once everything sent before it has played) and `clear` (drops everything queued; pending
 * marks come back at once). Each names the stream by its `streamSid`.
 */
export const streamReplies = (streamSid: string) => ({
  media: (frame: Uint8Array) =>
    JSON.stringify({ event: "media", streamSid, media: { payload: Buffer.from(frame).toString("base64") } }),
  mark: (name: string) => JSON.stringify({ event: "mark", streamSid, mark: { name } }),
  clear: () => JSON.stringify({ event: "clear", streamSid }),
});
