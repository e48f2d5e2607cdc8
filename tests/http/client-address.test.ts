import { describe, expect, test } from "bun:test";
import { clientAddressFrom } from "../../src/http/client-address.ts";

describe("the client's address", () => {
  const cases: [string, string | null, string | undefined, string[], string][] = [
    ["no proxy trusted: the peer, whatever the header says", "198.51.100.7", "203.0.113.1", [], "198.51.100.7"],
    ["no header: the peer", "10.0.0.5", undefined, ["10.0.0.5"], "10.0.0.5"],
    ["a trusted proxy: the address it appended", "10.0.0.5", "198.51.100.7", ["10.0.0.5"], "198.51.100.7"],
    [
      "a client's own entries on the left are not believed",
      "10.0.0.5",
      "1.2.3.4, 198.51.100.7",
      ["10.0.0.5"],
      "198.51.100.7",
    ],
    ["two trusted hops", "10.0.0.5", "198.51.100.7, 10.0.0.9", ["10.0.0.5", "10.0.0.9"], "198.51.100.7"],
    ["a peer that is not the proxy: the header is ignored", "192.0.2.8", "198.51.100.7", ["10.0.0.5"], "192.0.2.8"],
    ["an IPv4 peer on a dual-stack socket", "::ffff:10.0.0.5", "198.51.100.7", ["10.0.0.5"], "198.51.100.7"],
    ["only proxies in the header: the leftmost", "10.0.0.5", "10.0.0.5", ["10.0.0.5"], "10.0.0.5"],
    ["no socket (app.request)", null, "198.51.100.7", ["10.0.0.5"], "unknown"],
  ];
  test.each(cases)("%s", (_, peer, forwardedFor, trusted, expected) => {
    expect(clientAddressFrom(peer, forwardedFor, trusted)).toBe(expected);
  });
});
