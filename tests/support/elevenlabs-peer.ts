/**
 * A loopback peer that speaks the part of ElevenLabs' documented API the key check uses:
 * GET /v1/user with the `xi-api-key` header → the user ({ subscription, is_new_user, … }); a
 * wrong key gets ElevenLabs' 401 `{ detail: { status: "invalid_api_key", message } }`.
 */
export interface ElevenLabsPeer {
  baseUrl: string;
  requests: { path: string; apiKey: string | null }[];
  close(): Promise<void>;
}

export function startElevenLabsPeer(options: { apiKey: string }): ElevenLabsPeer {
  const requests: ElevenLabsPeer["requests"] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      const apiKey = req.headers.get("xi-api-key");
      requests.push({ path: url.pathname, apiKey });
      if (apiKey !== options.apiKey)
        return Response.json({ detail: { status: "invalid_api_key", message: "Invalid API key" } }, { status: 401 });
      if (req.method === "GET" && url.pathname === "/v1/user")
        return Response.json({
          user_id: "peer-user",
          subscription: { tier: "starter", character_count: 0, character_limit: 30_000, status: "active" },
          is_new_user: false,
          xi_api_key: null,
        });
      return Response.json({ detail: { status: "not_found", message: "Not found" } }, { status: 404 });
    },
  });
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    requests,
    close: async () => {
      await server.stop(true);
    },
  };
}
