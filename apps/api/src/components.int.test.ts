// Install from the console (issue #12) against a real local cluster ("east"; kwok runs the pods, which
// is enough for Deployment rollouts): components.install returns an operation id at once, renders and
// server-side applies the chart in the background, refuses a second install while one runs (409),
// records the result (state, messages, applied objects) in PostgreSQL, sets the cluster's
// tesseraVersion, writes the audit log, and components.status still shows the result after an API
// restart. Values the chart's schema rejects are a 400 naming `values`.
import fs from "node:fs";
import type {} from "@tessera/local-cluster/testing/global-setup";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ComponentsStatus } from "./services/components.ts";
import { chartAppVersion } from "./services/components.ts";
import { createTestApp, fakeKubeconfig, unique } from "./testing/harness.ts";
import type { TestApp } from "./testing/harness.ts";

const kubeconfigs = inject("tesseraClusterKubeconfigs");
const kubeconfigPath = kubeconfigs["east"];

describe.skipIf(!kubeconfigPath)("components.install / components.status (real cluster)", () => {
  let t: TestApp;
  let admin: string;
  let operator: string;
  let clusterId: string;
  let operationId: string;

  beforeAll(async () => {
    t = await createTestApp({ clusterTimeoutMs: 4000 });
    admin = (await t.user("ADMIN")).token;
    operator = (await t.user("OPERATOR")).token;
    const reg = await t.call("POST", "/v1/clusters", admin, {
      name: unique("east"),
      kubeconfig: fs.readFileSync(kubeconfigPath ?? "", "utf8"),
    });
    expect(reg.statusCode, reg.body).toBe(200);
    clusterId = reg.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await t?.services.components.drain();
    await t?.close();
  });

  const status = async (app: TestApp = t) => {
    const res = await app.call("GET", `/v1/clusters/${clusterId}/components`, operator);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<ComponentsStatus>();
  };
  const install = (body: Record<string, unknown>, token = admin) =>
    t.call("POST", `/v1/clusters/${clusterId}/components/install`, token, body);

  it("has nothing to show before the first install", async () => {
    const s = await status();
    expect(s.operation).toBeNull();
    expect(s.health).toEqual([]);
  });

  it("rejects values the chart's schema refuses, naming the field, before starting anything", async () => {
    const res = await install({ values: { router: { replicaCount: "three" } } });
    expect(res.statusCode, res.body).toBe(400);
    // Found by the service after rendering (helm checks values.schema.json): no transport prefix.
    expect(
      res.json<{ error: { issues: { path: string; message: string }[] } }>().error.issues,
    ).toEqual([{ path: "values.router.replicaCount", message: "got string, want integer" }]);
    expect((await status()).operation).toBeNull();
    expect((await install({}, operator)).statusCode).toBe(403);
  });

  it("installs in the background, one install per cluster at a time", async () => {
    const started = Date.now();
    const res = await install({ values: { redis: { mode: "none" } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    operationId = res.json<{ operationId: string }>().operationId;
    const busy = await install({});
    expect(busy.statusCode, busy.body).toBe(409);
    expect(busy.body).toContain(operationId);

    const running = await status();
    expect(running.operation).toMatchObject({
      id: operationId,
      state: "Running",
      namespace: "tessera-system",
    });

    const deadline = Date.now() + 240_000;
    let s = running;
    while (s.operation?.state === "Running" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      s = await status();
    }
    expect(s.operation?.error).toBeUndefined();
    expect(s.operation).toMatchObject({
      id: operationId,
      state: "Succeeded",
      version: chartAppVersion(),
    });
    expect(Date.parse(s.operation?.finishedAt ?? "")).toBeGreaterThan(
      Date.parse(s.operation?.startedAt ?? ""),
    );
    expect(s.operation?.applied).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CustomResourceDefinition\//),
        expect.stringMatching(/^Deployment\/tessera-system\//),
      ]),
    );
    expect(s.operation?.messages.join("\n")).toContain("rolled out");
    expect(s.health.length).toBeGreaterThan(0);
    for (const h of s.health) expect(h.state).toBe("Available");

    const cluster = await t.call("GET", `/v1/clusters/${clusterId}`, operator);
    expect(cluster.json<{ tesseraVersion: string }>().tesseraVersion).toBe(chartAppVersion());
    const audit = await t.call("GET", `/v1/audit?action=components.install`, admin);
    const actions = audit
      .json<{ action: string; clusterId: string; targetId: string }[]>()
      .filter((a) => a.targetId === operationId)
      .map((a) => a.action)
      .sort();
    expect(actions).toEqual(["components.install", "components.install.succeeded"]);
    // A second install is allowed once the first is over (and changes nothing).
    const again = await install({ values: { redis: { mode: "none" } } });
    expect(again.statusCode, again.body).toBe(200);
    await t.services.components.drain();
  });

  it("shows the last result after an API restart", async () => {
    const restarted = await createTestApp();
    try {
      const s = await status(restarted);
      expect(s.operation?.state).toBe("Succeeded");
      expect(s.operation?.id).not.toBe(operationId); // the second install is the last one
      expect(s.health.every((h) => h.state === "Available")).toBe(true);
    } finally {
      await restarted.close();
    }
  });

  it("records a failed install with its error, and the cluster's version stays unset", async () => {
    const reg = await t.call("POST", "/v1/clusters", admin, {
      name: unique("down"),
      kubeconfig: fakeKubeconfig(),
      allowUnreachable: true,
    });
    const down = reg.json<{ id: string }>().id;
    const res = await t.call("POST", `/v1/clusters/${down}/components/install`, admin, {});
    expect(res.statusCode, res.body).toBe(200);
    const { operationId: failedId } = res.json<{ operationId: string }>();
    await t.services.components.drain();
    const s = (
      await t.call("GET", `/v1/clusters/${down}/components`, operator)
    ).json<ComponentsStatus>();
    expect(s.operation).toMatchObject({ id: failedId, state: "Failed", applied: [] });
    expect(s.operation?.error).toContain("ECONNREFUSED");
    expect(s.healthError).toContain("cluster");
    const cluster = await t.call("GET", `/v1/clusters/${down}`, operator);
    expect(cluster.json<{ tesseraVersion: string | null }>().tesseraVersion).toBeNull();
    const audit = await t.call("GET", `/v1/audit?action=components.install.failed`, admin);
    expect(audit.json<{ targetId: string }[]>().map((a) => a.targetId)).toContain(failedId);
  });

  it("closes an install whose API went away instead of blocking the cluster forever", async () => {
    const reg = await t.call("POST", "/v1/clusters", admin, {
      name: unique("gone"),
      kubeconfig: fakeKubeconfig(),
      allowUnreachable: true,
    });
    const gone = reg.json<{ id: string }>().id;
    const repo = t.services.repos.componentInstalls;
    const data = {
      clusterId: gone,
      namespace: "tessera-system",
      values: {},
      version: "0",
      startedById: null,
    };
    const first = await repo.startIfIdle(data, new Date(Date.now() - 60_000));
    expect(first.started?.state).toBe("RUNNING");
    // Heartbeat fresh: a second start is refused.
    expect((await repo.startIfIdle(data, new Date(Date.now() - 60_000))).running?.id).toBe(
      first.started?.id,
    );
    // Heartbeat older than the bound (here: the bound is in the future): closed, and a new one starts.
    const second = await repo.startIfIdle(data, new Date(Date.now() + 1000));
    expect(second.started?.id).not.toBe(first.started?.id);
    const res = await t.call("GET", `/v1/clusters/${gone}/components`, operator);
    const s = res.json<ComponentsStatus>();
    expect(s.operation?.id).toBe(second.started?.id);
    expect(s.healthError).toContain("cluster");
  });
});
