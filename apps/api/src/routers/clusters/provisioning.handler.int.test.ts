// clusters.reportProvisioning / clusters.provisioning on the real PostgreSQL: upsert by name,
// progress, a new run after Ready/Failed, the link to the registered cluster, validation that names
// the field, who may call them, and that the list survives an API restart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProvisioningEntry } from "../../services/provisioning.ts";
import { createTestApp, fakeKubeconfig, unique } from "../../testing/harness.ts";
import type { TestApp } from "../../testing/harness.ts";

let t: TestApp;
let admin: string;
let operator: string;
const name = unique("prov");

beforeAll(async () => {
  t = await createTestApp();
  admin = (await t.user("ADMIN")).token;
  operator = (await t.user("OPERATOR")).token;
});
afterAll(async () => {
  await t.close();
});

const report = (body: Record<string, unknown>, token = admin) =>
  t.call("POST", "/v1/clusters/provisioning", token, body);
const list = async (app: TestApp = t) => {
  const res = await app.call("GET", "/v1/clusters/provisioning", operator);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ProvisioningEntry[]>();
};
const mine = async (app: TestApp = t) => (await list(app)).find((e) => e.name === name);

describe("cluster provisioning progress", () => {
  it("upserts one entry per name and keeps its start time while the run goes on", async () => {
    const first = await report({ name, phase: "Pending", step: "queued" });
    expect(first.statusCode, first.body).toBe(200);
    const created = await mine();
    expect(created).toMatchObject({ name, phase: "Pending", step: "queued", message: null });
    expect(created?.progress).toBeUndefined();
    expect(created?.clusterId).toBeUndefined();

    await new Promise((r) => setTimeout(r, 20));
    const building = await report({
      name,
      phase: "Building",
      step: "building kube-apiserver",
      progress: { done: 2, total: 5 },
    });
    expect(building.statusCode, building.body).toBe(200);
    const now = await mine();
    expect(now).toMatchObject({ phase: "Building", progress: { done: 2, total: 5 } });
    expect(now?.startedAt).toBe(created?.startedAt);
    expect(Date.parse(now?.updatedAt ?? "")).toBeGreaterThan(Date.parse(created?.updatedAt ?? ""));
    expect((await list()).filter((e) => e.name === name)).toHaveLength(1);
  });

  it("links the registered cluster by name and starts a new run after Ready", async () => {
    const reg = await t.call("POST", "/v1/clusters", admin, {
      name,
      kubeconfig: fakeKubeconfig(),
      allowUnreachable: true,
    });
    expect(reg.statusCode, reg.body).toBe(200);
    const clusterId = reg.json<{ id: string }>().id;
    await report({ name, phase: "Ready", step: "registered", progress: { done: 5, total: 5 } });
    const ready = await mine();
    expect(ready).toMatchObject({ phase: "Ready", clusterId });

    await new Promise((r) => setTimeout(r, 20));
    await report({ name, phase: "Starting", step: "restarting etcd" });
    const again = await mine();
    expect(again).toMatchObject({ phase: "Starting", clusterId });
    expect(again?.progress).toBeUndefined();
    expect(Date.parse(again?.startedAt ?? "")).toBeGreaterThan(Date.parse(ready?.startedAt ?? ""));
  });

  it("is still there after an API restart", async () => {
    await report({ name, phase: "Failed", step: "etcd", message: "etcd exited with code 1" });
    const restarted = await createTestApp();
    try {
      expect(await mine(restarted)).toMatchObject({
        phase: "Failed",
        message: "etcd exited with code 1",
      });
    } finally {
      await restarted.close();
    }
  });

  it("names the bad field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name, phase: "Cooking", step: "x" }, "body.phase"],
      [{ name: "Not_A_Label", phase: "Pending", step: "x" }, "body.name"],
      [{ name, phase: "Pending" }, "body.step"],
      [
        { name, phase: "Building", step: "x", progress: { done: 6, total: 5 } },
        "body.progress.done",
      ],
      [
        { name, phase: "Building", step: "x", progress: { done: 1, total: 0 } },
        "body.progress.total",
      ],
      [{ name, phase: "Pending", step: "x", extra: 1 }, "extra"],
    ];
    for (const [body, field] of cases) {
      const res = await report(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.body).toContain(field);
    }
  });

  it("only platform admins report; operators read; tenant members neither", async () => {
    expect((await report({ name, phase: "Pending", step: "x" }, operator)).statusCode).toBe(403);
    const member = (await t.user("MEMBER")).token;
    expect((await report({ name, phase: "Pending", step: "x" }, member)).statusCode).toBe(403);
    expect((await t.call("GET", "/v1/clusters/provisioning", member)).statusCode).toBe(403);
  });
});
