// A cluster call past its deadline is abandoned, and so is its connection: a service proxy that
// never answers must not keep one socket open per poll of the console.
import { createServer } from "node:http";
import type { Socket } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { kubeRequest } from "@tessera/helm/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterTimeoutError, withTimeout } from "./errors.ts";

describe("withTimeout", () => {
  const sockets = new Set<Socket>();
  let open = 0;
  // An apiserver stand-in that takes requests and never answers them.
  const server = createServer(() => {});
  server.on("connection", (s) => {
    sockets.add(s);
    open++;
    s.on("close", () => open--);
  });
  const kc = new KubeConfig();

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: "u" }],
      contexts: [{ name: "ctx", cluster: "c", user: "u" }],
      currentContext: "ctx",
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it("rejects with ClusterTimeoutError and closes the request's connection", async () => {
    const t0 = Date.now();
    await expect(
      withTimeout(150, (signal) => kubeRequest(kc, "GET", "/api/v1/namespaces", { signal })),
    ).rejects.toBeInstanceOf(ClusterTimeoutError);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(sockets.size).toBe(1);
    for (let i = 0; i < 50 && open > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(open).toBe(0);
  });

  it("passes the result through, and a signal that never aborts, when the work is in time", async () => {
    let seen: AbortSignal | undefined;
    const v = await withTimeout(1_000, (signal) => {
      seen = signal;
      return Promise.resolve(42);
    });
    expect(v).toBe(42);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen?.aborted).toBe(false);
  });
});
