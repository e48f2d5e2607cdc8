/** One server-sent message as a test sees it: a comment line (": connected") has no event. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
  comment?: string;
}

/**
 * Reads SSE messages off a response body until `until` says stop (or the time runs out), then
 * cancels the stream.
 */
export async function readSse(
  response: Response,
  until: (seen: SseMessage[]) => boolean,
  timeoutMs = 5000,
): Promise<SseMessage[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const seen: SseMessage[] = [];
  let buffer = "";
  const deadline = Date.now() + timeoutMs;
  while (!until(seen) && Date.now() < deadline) {
    const next = await Promise.race([reader.read(), Bun.sleep(Math.max(1, deadline - Date.now())).then(() => null)]);
    if (!next || next.done) break;
    buffer += decoder.decode(next.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message: SseMessage = { data: "" };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) message.comment = line.slice(1).trim();
        else if (line.startsWith("id: ")) message.id = line.slice(4);
        else if (line.startsWith("event: ")) message.event = line.slice(7);
        else if (line.startsWith("data: ")) message.data += line.slice(6);
      }
      seen.push(message);
    }
  }
  await reader.cancel();
  return seen;
}
