import type { Socket } from "bun";
import type { NeonConnectionSettings } from "../../src/adapters/db/open.ts";

export interface NeonProxy {
  port: number;
  /** Pass as `neonSettings` to openDatabase (with `neon: true`) to reach PostgreSQL through this proxy. */
  settings: NeonConnectionSettings;
  stop(): Promise<void>;
}

interface Link {
  address: { hostname: string; port: number };
  tcp: Socket | null;
  /** Frames that arrived before the TCP connection opened, or that it could not take yet. */
  pending: Uint8Array[];
  closed: boolean;
}

/**
 * The WebSocket-to-TCP relay Neon runs in front of Postgres, in miniature: the Neon driver opens
 * `ws://127.0.0.1:<port>/v1?address=<host>:<port>` and this pipes the bytes to that TCP address.
 * Lets tests drive @neondatabase/serverless against a local PostgreSQL (plain, no TLS).
 */
export function startNeonProxy(): NeonProxy {
  const server = Bun.serve<Link>({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request, srv) {
      const address = new URL(request.url).searchParams.get("address") ?? "";
      const match = /^(.+):(\d+)$/.exec(address);
      if (!match) return new Response("address=host:port required", { status: 400 });
      const data: Link = {
        address: { hostname: match[1]!, port: Number(match[2]) },
        tcp: null,
        pending: [],
        closed: false,
      };
      return srv.upgrade(request, { data }) ? undefined : new Response("WebSocket upgrade required", { status: 426 });
    },
    websocket: {
      async open(ws) {
        const link = ws.data;
        try {
          link.tcp = await Bun.connect({
            ...link.address,
            socket: {
              data: (_socket, bytes) => {
                ws.send(bytes);
              },
              drain: (socket) => flush(link, socket),
              close: () => ws.close(),
              error: () => ws.close(),
            },
          });
          flush(link, link.tcp);
          if (link.closed) link.tcp.end();
        } catch {
          ws.close(1011, "cannot reach the database");
        }
      },
      message(ws, message) {
        const link = ws.data;
        link.pending.push(typeof message === "string" ? new TextEncoder().encode(message) : new Uint8Array(message));
        if (link.tcp) flush(link, link.tcp);
      },
      close(ws) {
        ws.data.closed = true;
        ws.data.tcp?.end();
      },
    },
  });
  const port = server.port!;
  return {
    port,
    settings: {
      wsProxy: (host, dbPort) => `127.0.0.1:${port}/v1?address=${host}:${dbPort}`,
      useSecureWebSocket: false,
      pipelineTLS: false,
      pipelineConnect: false,
    },
    async stop() {
      await server.stop(true);
    },
  };
}

/** Writes what TCP will take now; the rest waits for the drain event. */
function flush(link: Link, socket: Socket): void {
  while (link.pending.length > 0) {
    const chunk = link.pending[0]!;
    const written = socket.write(chunk);
    if (written < chunk.length) {
      link.pending[0] = chunk.subarray(Math.max(written, 0));
      return;
    }
    link.pending.shift();
  }
}
