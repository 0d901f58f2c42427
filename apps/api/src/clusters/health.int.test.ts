// Health polling against a fake apiserver (plain HTTP answering /version): the time of the last
// success survives a failure, and the poller keeps checking on its own.
import http from "node:http";
import type net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, unique } from "../testing/harness.ts";
import type { TestApp } from "../testing/harness.ts";

let t: TestApp;
let server: http.Server;
let port: number;

beforeAll(async () => {
  t = await createTestApp({ clusterTimeoutMs: 1000 });
  server = http.createServer((req, res) => {
    if (req.url === "/version") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ major: "1", minor: "99", gitVersion: "v1.99.0-fake" }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  server.close();
  await t.close();
});

const kubeconfig = (p: number) =>
  `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${p}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t0ken}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`;

describe("cluster health", () => {
  it("records the last success, keeps it through failures, and polls", async () => {
    const name = unique("fake");
    const c = await t.services.clusters.register(
      { actor: null },
      { name, kubeconfig: kubeconfig(port) },
    );
    expect(c).toMatchObject({ status: "HEALTHY", kubernetesVersion: "v1.99.0-fake" });
    const healthyAt = c.lastHealthyAt;
    server.close();
    server.closeAllConnections();
    const down = await t.services.clusters.check(c.id);
    expect(down.status).toBe("UNREACHABLE");
    expect(down.statusMessage).toContain(`cluster ${name}`);
    expect(down.lastHealthyAt).toEqual(healthyAt);
    expect(await t.metrics.registry.getSingleMetricAsString("tessera_api_cluster_up")).toContain(
      `cluster="${name}"} 0`,
    );

    const before = down.lastCheckedAt?.getTime() ?? 0;
    t.registry.startPolling(1000, () => {});
    try {
      for (let i = 0; i < 50; i++) {
        const now = await t.services.clusters.get(c.id);
        if ((now.lastCheckedAt?.getTime() ?? 0) > before) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const polled = await t.services.clusters.get(c.id);
      expect(polled.lastCheckedAt?.getTime()).toBeGreaterThan(before);
      expect(polled.status).toBe("UNREACHABLE");
    } finally {
      await t.registry.stop();
    }
    await t.services.clusters.remove({ actor: null }, c.id, name);
  });
});
