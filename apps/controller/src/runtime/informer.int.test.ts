// Informers against the real kube-apiserver: watches that end normally (the apiserver's timeout) are
// resumed from their resourceVersion without a relist or a warning, the manager's informers (the
// PodGroup one included) stay quiet once synced, and a real failure still warns with backoff.
import type { KubeConfig } from "@kubernetes/client-node";
import { clusterKubeConfig } from "@tessera/local-cluster/testing";
import type {} from "@tessera/local-cluster/testing/global-setup";
import { pino } from "pino";
import type { Logger } from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { KubeClient } from "../k8s/client.ts";
import type { KubeObject } from "../k8s/types.ts";
import { Manager } from "../manager.ts";
import { TestCluster, waitFor } from "../testing/cluster.ts";
import { Informer } from "./informer.ts";
import { ControllerMetrics } from "./metrics.ts";

interface LogLine {
  level: number;
  msg: string;
  informer?: string;
  err?: string;
  retryInMs?: number;
}

/** A pino logger whose lines (info and up) land in `lines`, as the controller would print them. */
function capturedLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino(
    { level: "info" },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { log, lines };
}

const WARN = 40;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let kc: KubeConfig;
let cluster: TestCluster;
beforeAll(async () => {
  kc = await clusterKubeConfig("ctl");
  cluster = new TestCluster(kc);
});

describe("informer watches on a real apiserver", () => {
  it("keeps every manager informer, PodGroups included, free of watch failures", async () => {
    const { log, lines } = capturedLog();
    const manager = new Manager({
      kc,
      log,
      metrics: new ControllerMetrics(),
      identity: "it-informer",
      podGroupPollSeconds: 1,
    });
    await manager.startInformers();
    try {
      expect(manager.informers.map((i) => i.name)).toContain("podgroups");
      // The PodGroup informer used to be started twice. Its two ListWatch runs went unnoticed until
      // the first idle watch hit client-node's 30 s timeout; from then on each reconnect aborted the
      // other run's watch ("This operation was aborted") for as long as the process lived.
      await sleep(33_000);
      expect(lines.filter((l) => l.level >= WARN)).toEqual([]);
      for (const i of manager.informers) expect([i.name, i.restarts]).toEqual([i.name, 0]);
      const names = manager.informers.map((i) => i.name);
      expect(new Set(names).size).toBe(names.length);
    } finally {
      await manager.stop();
    }
  });

  it("resumes a watch the apiserver ended at its timeout from its resourceVersion, silently", async () => {
    const ns = `it-informer-${process.pid}`;
    await cluster.namespace(ns);
    const client = new KubeClient(kc);
    let lists = 0;
    client.onRequest = (method) => {
      if (method === "GET") lists++;
    };
    const { log, lines } = capturedLog();
    const inf = new Informer<KubeObject>(client, {
      name: "configmaps",
      path: `/api/v1/namespaces/${ns}/configmaps`,
      watchTimeoutSeconds: 1,
      log,
    });
    const seen: string[] = [];
    inf.on((event, o) => seen.push(`${event}:${o.metadata?.name ?? ""}`));
    await inf.start();
    try {
      expect(lists).toBe(1);
      const synced = inf.lastActivity;
      await sleep(3500);
      // Each reconnect touches the informer: the apiserver did end the watches meanwhile.
      expect(inf.lastActivity - synced).toBeGreaterThan(1500);
      await cluster.client.request("POST", `/api/v1/namespaces/${ns}/configmaps`, {
        body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "after-timeouts" } },
      });
      await waitFor("the ConfigMap's add event", () =>
        Promise.resolve(seen.includes("add:after-timeouts")),
      );
      expect(lists).toBe(1); // resumed from the resourceVersion each time, never relisted
      expect(inf.restarts).toBe(0);
      expect(lines.filter((l) => l.level >= WARN)).toEqual([]);
    } finally {
      await inf.stop();
    }
  });

  it("does not run a second ListWatch when a running informer is started again", async () => {
    const ns = `it-informer2-${process.pid}`;
    await cluster.namespace(ns);
    const { log, lines } = capturedLog();
    const inf = new Informer<KubeObject>(new KubeClient(kc), {
      name: "configmaps",
      path: `/api/v1/namespaces/${ns}/configmaps`,
      watchTimeoutSeconds: 1,
      log,
    });
    await inf.start();
    await inf.start();
    try {
      await sleep(3500); // each watch end reconnects; a second run would see its watch aborted
      expect(lines.filter((l) => l.level >= WARN)).toEqual([]);
      expect(inf.restarts).toBe(0);
    } finally {
      await inf.stop();
    }
  });

  it("warns and backs off when the watched resource is not served", async () => {
    const { log, lines } = capturedLog();
    const inf = new Informer<KubeObject>(new KubeClient(kc), {
      name: "missing",
      path: "/apis/example.tessera.io/v1/nothings",
      backoff: { baseMs: 50, maxMs: 1000 },
      log,
    });
    void inf.start();
    try {
      await waitFor("three restarts", () => Promise.resolve(inf.restarts >= 3), 10_000);
      const warns = lines.filter((l) => l.msg === "watch failed; restarting");
      expect(warns.length).toBeGreaterThanOrEqual(3);
      expect(warns[0]?.informer).toBe("missing");
      expect(warns[0]?.err).toContain("404");
      // Jitter draws from the upper half: the third delay (100–200 ms) always exceeds the first (25–50 ms).
      expect(warns[2]?.retryInMs).toBeGreaterThan(warns[0]?.retryInMs ?? Infinity);
    } finally {
      await inf.stop();
    }
  });
});
