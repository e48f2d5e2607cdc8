import { createInterface } from "node:readline";

/**
 * Asks for a secret on the terminal without echoing it. With no terminal (a pipe),
 * reads one line from standard input, so scripts can pass it in.
 */
export async function promptSecret(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const rl = createInterface({ input });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return "";
  }
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  let answer = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString("utf8")) {
        if (char === "\r" || char === "\n") {
          done();
          return resolve(answer);
        }
        if (char === "\u0003") {
          done();
          return reject(new Error("cancelled"));
        }
        answer = char === "\u007f" ? answer.slice(0, -1) : answer + char;
      }
    };
    const done = () => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write("\n");
    };
    input.on("data", onData);
  });
}
