// The tessera-controller binary against a real cluster: flags, health endpoints, leader election on
// a coordination.k8s.io Lease, and graceful shutdown that hands the Lease over.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { clusterKubeConfig, clusterKubeconfigPath } from "@tessera/local-cluster/testing";
import type {} from "@tessera/local-cluster/testing/global-setup";
import { afterAll, describe, expect, it } from "vitest";
import type { LeaseObject } from "./runtime/leader-election.ts";
import { TestCluster, waitFor } from "./testing/cluster.ts";

const procs: ChildProcess[] = [];
afterAll(() => {
  for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL");
});

function startBinary(
  identity: string,
  port: number,
): { proc: ChildProcess; exited: Promise<number | null> } {
  const proc = spawn(
    process.execPath,
    [
      join(import.meta.dirname, "main.ts"),
      "--kubeconfig",
      clusterKubeconfigPath("ctl"),
      "--health-port",
      String(port),
      "--health-host",
      "127.0.0.1",
      "--identity",
      identity,
      "--lease-name",
      "it-lease",
      "--log-level",
      "warn",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  procs.push(proc);
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  return { proc, exited };
}

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

describe("tessera-controller binary", () => {
  it("serves /healthz, /readyz and /metrics, elects one leader and hands the Lease over on SIGTERM", async () => {
    const cluster = new TestCluster(await clusterKubeConfig("ctl"));
    const base = 20_000 + (process.pid % 20_000);
    const a = startBinary("replica-a", base);
    await waitFor(
      "replica-a ready",
      async () => (await get(base, "/readyz")).status === 200,
      60_000,
    );
    expect((await get(base, "/healthz")).body).toBe("ok");
    const lease = await waitFor("Lease held by replica-a", async () => {
      const l = await cluster.get<LeaseObject>("Lease", "default", "it-lease");
      return l?.spec?.holderIdentity === "replica-a" ? l : undefined;
    });
    expect(lease.spec?.leaseDurationSeconds).toBe(15);
    const metrics = (await get(base, "/metrics")).body;
    expect(metrics).toContain("tessera_controller_leader 1");
    expect(metrics).toContain("tessera_controller_workqueue_depth");

    const b = startBinary("replica-b", base + 1);
    await waitFor(
      "replica-b ready (standby)",
      async () => (await get(base + 1, "/readyz")).status === 200,
      60_000,
    );
    expect((await get(base + 1, "/metrics")).body).toContain("tessera_controller_leader 0");

    a.proc.kill("SIGTERM");
    expect(await a.exited).toBe(0);
    // The Lease was released, so the standby takes over well before the 15 s lease would expire.
    const t0 = Date.now();
    await waitFor(
      "replica-b leads",
      async () =>
        (await cluster.get<LeaseObject>("Lease", "default", "it-lease"))?.spec?.holderIdentity ===
        "replica-b",
      10_000,
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
    b.proc.kill("SIGTERM");
    expect(await b.exited).toBe(0);
  });
});
