/**
 * `npm run bench:cards`: the card masker on a 10-minute call's transcript (about 300 lines from
 * both tracks: small talk, addresses, phone numbers, amounts, and a card read out written and
 * spoken with its expiry and security code), run through the conversation masker as a live call
 * does, final and interim text. Prints the time per line; the floor is 1 ms per line (the
 * exit code says). Pure CPU: no server, no database.
 *
 *   npm run bench:cards                 10 rounds of the transcript
 *   npm run bench:cards -- --rounds 50
 */
import { parseArgs } from "node:util";
import { createConversationMasker } from "../src/domain/card-masking.ts";

const FLOOR_MS_PER_LINE = 1;
const { values: options } = parseArgs({ options: { rounds: { type: "string", default: "10" } } });
const rounds = Number(options.rounds);

const everyday = [
  "Hello, Switchboard Property Maintenance, how can I help?",
  "Hi, yes, I've got water coming through the kitchen ceiling at 42 Acacia Avenue",
  "What's the postcode there? It's NW1 6XE",
  "And the best number to get you on? oh seven seven oh oh, nine oh oh one two three",
  "Or the landline, 0207 946 0958, after six",
  "Last time it was £1,234.56 for the boiler, invoice INV-2024-00123",
  "Can someone come on 12/03/2026 at 10:30? Flat 4B, third floor",
  "The quote said 2,450 pounds including VAT, quote number Q-10023",
  "It's a 2019 Worcester combi, serial 4242424242424241 on the plate",
  "Twenty five past four would be fine, or the twenty third",
];
const payment = [
  "I'd like to pay the deposit by card now if that's alright",
  "The long number is four two four two, four two four two, four two four two, four two four two",
  "Or on the other card, 5555 5555 5555 4444",
  "And the expiry date?",
  "oh four twenty seven",
  "And the three digits on the back?",
  "seven three seven",
];

// About one line every two seconds across both tracks for ten minutes.
const transcript: string[] = [];
while (transcript.length < 300) transcript.push(...everyday, ...(transcript.length % 100 === 0 ? payment : []));

// Interim results repeat each final line's words as they grow: a few per line.
const interims = transcript.map((line) => {
  const words = line.split(" ");
  return [words.slice(0, Math.ceil(words.length / 3)), words.slice(0, Math.ceil((2 * words.length) / 3))].map((w) =>
    w.join(" "),
  );
});

let maskedLines = 0;
const run = () => {
  const masker = createConversationMasker();
  for (let i = 0; i < transcript.length; i++) {
    const speaker = i % 2 === 0 ? "outbound" : "inbound";
    for (const interim of interims[i] as string[]) masker.mask(interim, { partial: true, speaker });
    if (masker.mask(transcript[i] as string, { speaker }).masked) maskedLines += 1;
  }
};

run(); // warm-up
maskedLines = 0;
const started = performance.now();
for (let r = 0; r < rounds; r++) run();
const elapsed = performance.now() - started;
const lines = transcript.length * rounds;
const perLine = elapsed / lines;
const pass = perLine < FLOOR_MS_PER_LINE;
console.log(
  `card masking: ${transcript.length} final lines (+${interims.flat().length} interim) × ${rounds} rounds, ` +
    `${(perLine * 1000).toFixed(1)} µs per final line with its interims ` +
    `(${maskedLines / rounds} lines masked per call); floor ${FLOOR_MS_PER_LINE} ms: ${pass ? "PASS" : "FAIL"}`,
);
process.exit(pass ? 0 : 1);
