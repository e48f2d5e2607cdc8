/**
 * One server-sent event as a view renders it: the name the page listens for (`sse-swap`) and
 * its data, usually an HTML fragment (may span lines). The stream adds the id and the wire form.
 */
export interface SseMessage {
  event: string;
  data: string;
}
