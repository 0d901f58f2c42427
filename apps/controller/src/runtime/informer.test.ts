// The hardened informer against a tiny fake apiserver (plain HTTP): a failing list is retried with
// backoff instead of killing the process, events reach handlers, the per-owner index follows them,
// resync replays the cache, and starting a running informer again does not start a second watch.
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { KubeClient } from "../k8s/client.ts";
import type { KubeObject } from "../k8s/types.ts";
import { readiness } from "./health.ts";
import { Index, Informer } from "./informer.ts";

const pod = (name: string, owner: string, rv: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name,
    namespace: "ns",
    resourceVersion: rv,
    labels: { "modelserving.volcano.sh/name": owner },
  },
});

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

async function fakeApiserver(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<KubeClient> {
  server = createServer(handler);
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return new KubeClient(kc);
}

describe("Informer", () => {
  it("retries a failed list with backoff, then syncs, streams events and keeps the index current", async () => {
    let lists = 0;
    let watchRes: ServerResponse | undefined;
    const client = await fakeApiserver((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.searchParams.get("watch") === "true") {
        res.writeHead(200, { "content-type": "application/json" });
        res.flushHeaders();
        watchRes = res;
        return;
      }
      lists++;
      if (lists === 1) {
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ kind: "Status", message: "etcd hiccup" }));
        return;
      }
      expect(url.searchParams.get("labelSelector")).toBe("modelserving.volcano.sh/name");
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          kind: "PodList",
          metadata: { resourceVersion: "10" },
          items: [pod("a", "ms1", "5")],
        }),
      );
    });
    let restarts = 0;
    const inf = new Informer<KubeObject>(client, {
      name: "pods",
      path: "/api/v1/pods",
      labelSelector: "modelserving.volcano.sh/name",
      backoff: { baseMs: 20, maxMs: 100 },
      resyncMs: 50,
      onRestart: () => restarts++,
    });
    const index = new Index(inf, (o) => o.metadata?.labels?.["modelserving.volcano.sh/name"]);
    const seen: string[] = [];
    inf.on((event, o) => seen.push(`${event}:${o.metadata?.name ?? ""}`));
    const health = { informers: () => [inf], staleAfterSeconds: 60 };
    expect(readiness(health).ok).toBe(false);

    await inf.start();
    expect(restarts).toBe(1);
    expect(inf.lastError).toContain("etcd hiccup");
    expect(inf.list().map((o) => o.metadata?.name)).toEqual(["a"]);
    expect(readiness(health)).toEqual({ ok: true, problems: [] });

    await waitUntil(() => watchRes !== undefined);
    watchRes?.write(JSON.stringify({ type: "ADDED", object: pod("b", "ms2", "11") }) + "\n");
    watchRes?.write(JSON.stringify({ type: "MODIFIED", object: pod("a", "ms2", "12") }) + "\n");
    await waitUntil(() => index.get("ms2").length === 2);
    expect(index.get("ms1")).toEqual([]);
    watchRes?.write(JSON.stringify({ type: "DELETED", object: pod("b", "ms2", "13") }) + "\n");
    await waitUntil(() => index.get("ms2").length === 1);
    expect(seen).toEqual(expect.arrayContaining(["add:a", "add:b", "update:a", "delete:b"]));
    await waitUntil(() => seen.some((s) => s.startsWith("resync:")));
    expect(readiness({ informers: () => [inf], staleAfterSeconds: 1 }).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    expect(readiness({ informers: () => [inf], staleAfterSeconds: 1 }).problems[0]).toMatch(
      /^informer pods stale for/,
    );
    await inf.stop();
  });
});

describe("Informer.start", () => {
  it("is a no-op while running: one list, one watch, no restarts", async () => {
    let lists = 0;
    let watches = 0;
    const client = await fakeApiserver((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.searchParams.get("watch") === "true") {
        watches++;
        res.writeHead(200, { "content-type": "application/json" });
        res.flushHeaders();
        return;
      }
      lists++;
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ kind: "PodList", metadata: { resourceVersion: "10" }, items: [] }));
    });
    const inf = new Informer<KubeObject>(client, { name: "pods", path: "/api/v1/pods" });
    await inf.start();
    await inf.start();
    await waitUntil(() => watches > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect({ lists, watches, restarts: inf.restarts }).toEqual({
      lists: 1,
      watches: 1,
      restarts: 0,
    });
    await inf.stop();
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met");
    await new Promise((r) => setTimeout(r, 10));
  }
}
