/**
 * The loopback Deepgram peer (tests/support/deepgram-peer.ts) in its own process, so its work
 * is not counted as the server's. Started by bench/live-calls.ts with an IPC channel: it sends
 * { url } once listening, and answers "stats" with what it received.
 *
 * Words come one every 400 ms of audio received on a connection (an interim result each), a
 * final every 6 words: about 2.5 results a second per track, as a talkative caller gives.
 */
import { startDeepgramPeer } from "../../tests/support/deepgram-peer.ts";

export interface PeerStats {
  connections: number;
  audioMessages: number;
  bytes: number;
  finals: number;
  closedForIdle: number;
  problems: string[];
}

const apiKey = process.argv[2] ?? "bench-deepgram-key";
const peer = startDeepgramPeer({ apiKey, msPerWord: 400, wordsPerFinal: 6 });

process.on("message", (message) => {
  if (message === "stats") {
    const stats: PeerStats = {
      connections: peer.connections.length,
      audioMessages: peer.connections.reduce((n, c) => n + c.audioMessages, 0),
      bytes: peer.totalBytes(),
      finals: peer.connections.reduce((n, c) => n + c.finals.length, 0),
      closedForIdle: peer.connections.filter((c) => c.closedForIdle).length,
      problems: [...new Set(peer.problems())].slice(0, 5),
    };
    process.send!({ stats });
  } else if (message === "stop") {
    void peer.stop().then(() => process.exit(0));
  }
});
process.send!({ url: peer.url });
// Never outlive the bench.
process.on("disconnect", () => process.exit(0));
