/**
 * A loopback peer that speaks the part of Stripe's documented API the app uses: Checkout
 * Sessions create (POST /v1/checkout/sessions, form-encoded with bracketed keys) and retrieve
 * (GET /v1/checkout/sessions/:id), the balance (GET /v1/balance, the app's key check), with Bearer auth, Idempotency-Key semantics (same key and
 * same parameters: the first response again; same key, other parameters: an idempotency_error),
 * Stripe's error envelope, and its expires_at window (30 minutes to 24 hours ahead).
 * The official SDK reaches it through its host, port and protocol options.
 */

export interface PeerRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface StripePeer {
  port: number;
  requests: PeerRequest[];
  sessions: Map<string, Record<string, unknown>>;
  /** The next `n` requests fail with a 500 (to see the SDK retry with the same idempotency key). */
  failNext(n: number): void;
  stop(): Promise<void>;
}

/** "a[b][0][c]=1" → { a: { b: [ { c: "1" } ] } }, as Stripe reads form bodies. */
export function parseStripeForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const parts = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> | unknown[] = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!);
      const slot = Array.isArray(node) ? Number(part) : part;
      const container = node as Record<string | number, unknown>;
      if (last) container[slot] = value;
      else {
        container[slot] ??= nextIsIndex ? [] : {};
        node = container[slot] as Record<string, unknown>;
      }
    });
  }
  return root;
}

const error = (status: number, type: string, message: string, extra: Record<string, unknown> = {}) =>
  Response.json(
    { error: { type, message, ...extra } },
    { status, headers: { "Request-Id": `req_${crypto.randomUUID().slice(0, 12)}` } },
  );

export function startStripePeer(options: { apiKey: string; now?: () => Date }): StripePeer {
  const requests: PeerRequest[] = [];
  const sessions = new Map<string, Record<string, unknown>>();
  const idempotent = new Map<string, { params: string; response: Record<string, unknown> }>();
  let failures = 0;
  const now = options.now ?? (() => new Date());

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      const text = request.method === "POST" ? await request.text() : url.search.slice(1);
      const headers = Object.fromEntries(request.headers);
      const body = parseStripeForm(text);
      requests.push({ method: request.method, path: url.pathname, headers, body });
      if (headers.authorization !== `Bearer ${options.apiKey}`)
        return error(401, "invalid_request_error", "Invalid API Key provided.");
      if (failures > 0) {
        failures--;
        return error(500, "api_error", "Something went wrong on Stripe's end.");
      }

      if (request.method === "POST" && url.pathname === "/v1/checkout/sessions") {
        const key = headers["idempotency-key"];
        if (key && idempotent.has(key)) {
          const seen = idempotent.get(key)!;
          if (seen.params !== text)
            return error(
              400,
              "idempotency_error",
              "Keys for idempotent requests can only be used with the same parameters they were first used with.",
            );
          return Response.json(seen.response, { headers: { "Idempotent-Replayed": "true" } });
        }
        if (body.mode !== "payment")
          return error(400, "invalid_request_error", "Missing required param: mode.", { param: "mode" });
        if (typeof body.success_url !== "string")
          return error(400, "invalid_request_error", "Missing required param: success_url.", { param: "success_url" });
        const items = (body.line_items as Record<string, unknown>[] | undefined) ?? [];
        if (items.length === 0)
          return error(400, "invalid_request_error", "Missing required param: line_items.", { param: "line_items" });
        let total = 0;
        let currency = "";
        for (const [i, item] of items.entries()) {
          const price = item.price_data as
            | { currency?: string; unit_amount?: string; product_data?: { name?: string } }
            | undefined;
          const amount = Number(price?.unit_amount);
          if (!price?.currency || !Number.isInteger(amount) || amount < 0 || !price.product_data?.name) {
            return error(400, "invalid_request_error", `Invalid line_items[${i}][price_data].`, {
              param: `line_items[${i}][price_data]`,
            });
          }
          if (currency && currency !== price.currency)
            return error(400, "invalid_request_error", "All line items must share a currency.");
          currency = price.currency;
          total += amount * Number(item.quantity ?? 1);
        }
        const seconds = Math.floor(now().getTime() / 1000);
        const expiresAt = body.expires_at ? Number(body.expires_at) : seconds + 86_400;
        if (expiresAt < seconds + 1800 || expiresAt > seconds + 86_400) {
          return error(
            400,
            "invalid_request_error",
            "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
            { param: "expires_at" },
          );
        }
        const id = `cs_test_${crypto.randomUUID().replaceAll("-", "")}`;
        const session = {
          id,
          object: "checkout.session",
          mode: "payment",
          status: "open",
          payment_status: "unpaid",
          amount_subtotal: total,
          amount_total: total,
          currency,
          client_reference_id: body.client_reference_id ?? null,
          customer_email: body.customer_email ?? null,
          metadata: body.metadata ?? {},
          payment_intent: null,
          success_url: body.success_url,
          cancel_url: body.cancel_url ?? null,
          expires_at: expiresAt,
          created: seconds,
          livemode: false,
          url: `https://checkout.stripe.com/c/pay/${id}`,
        };
        sessions.set(id, session);
        if (key) idempotent.set(key, { params: text, response: session });
        return Response.json(session);
      }

      if (request.method === "GET" && url.pathname === "/v1/balance")
        return Response.json({
          object: "balance",
          available: [{ amount: 0, currency: "gbp", source_types: { card: 0 } }],
          pending: [{ amount: 0, currency: "gbp", source_types: { card: 0 } }],
          livemode: false,
        });

      const match = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(url.pathname);
      if (request.method === "GET" && match) {
        const session = sessions.get(decodeURIComponent(match[1]!));
        if (!session)
          return error(404, "invalid_request_error", `No such checkout.session: '${match[1]}'`, {
            code: "resource_missing",
            param: "session",
          });
        return Response.json(session);
      }
      return error(404, "invalid_request_error", `Unrecognized request URL (${request.method}: ${url.pathname}).`);
    },
  });

  return {
    port: server.port!,
    requests,
    sessions,
    failNext: (n) => {
      failures = n;
    },
    stop: async () => {
      await server.stop(true);
    },
  };
}
