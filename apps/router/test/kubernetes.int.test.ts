// Kubernetes mode against a real local cluster: the informers pick up ModelServer, ModelRoute and
// Pod objects (pods get simulated engines at their pod IPs), the router serves the openai client,
// and changes (a route edit, a deleted pod) reach the routing table.
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { clusterKubeConfig, createSimModel } from "@tessera/local-cluster/testing";
// Brings the harness's `provide`/`inject` typings into this program.
import type {} from "@tessera/local-cluster/testing/global-setup";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubernetesSource } from "../src/sources/kubernetes/kubernetes-source.ts";
import type { TestRouter } from "./helpers.ts";
import { startRouter, waitFor } from "./helpers.ts";

const GROUP = "networking.serving.volcano.sh";
const VERSION = "v1alpha1";

describe("Kubernetes mode (local cluster)", () => {
  let kc: KubeConfig;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let t: TestRouter;
  let source: KubernetesSource;
  const ns = `router-${Date.now().toString(36)}`;

  const pod = (name: string): V1Pod => ({
    metadata: {
      name,
      labels: { app: "sim", "tessera.io/engine": "sim" },
      annotations: { "tessera.io/engine-model": "sim-model", "tessera.io/engine-port": "8000" },
    },
    spec: {
      containers: [
        {
          name: "engine",
          image: "vllm/vllm-openai:v0.9.0",
          ports: [{ name: "http", containerPort: 8000 }],
        },
      ],
    },
  });

  beforeAll(async () => {
    kc = await clusterKubeConfig("router");
    core = kc.makeApiClient(CoreV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
    await createSimModel(kc, ns);
    await core.createNamespacedPod({ namespace: ns, body: pod("sim-0") });
    await core.createNamespacedPod({ namespace: ns, body: pod("sim-1") });
    t = await startRouter(null);
    source = new KubernetesSource(t.router, { namespace: ns, kubeConfig: kc, debounceMs: 20 });
    await source.start();
  });

  afterAll(async () => {
    await source?.stop();
    await t?.close();
    await core?.deleteNamespace({ name: ns }).catch(() => undefined);
  });

  it("discovers ready pods through informers and serves the openai client", async () => {
    await waitFor(() => t.router.table.servers.get(`${ns}/sim`)?.endpoints.length === 2, 60_000);
    await waitFor(() => [...t.router.pool.all()].every((e) => e.metrics.updatedAt > 0), 30_000);
    expect(t.router.readiness()).toEqual([]);
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: "x", maxRetries: 2 });
    const r = await client.chat.completions.create({
      model: "sim",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 4,
    });
    expect(r.model).toBe("sim-model");
    expect(r.usage?.completion_tokens).toBe(4);
  });

  it("follows ModelRoute edits and pod deletions", async () => {
    const current = (await custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns,
      plural: "modelroutes",
      name: "sim",
    })) as {
      spec: Record<string, unknown>;
    };
    current.spec.loraAdapters = ["sim-lora"];
    await custom.replaceNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns,
      plural: "modelroutes",
      name: "sim",
      body: current,
    });
    await waitFor(() => t.router.table.modelIds.includes("sim-lora"), 20_000);
    await core.deleteNamespacedPod({ name: "sim-1", namespace: ns, gracePeriodSeconds: 0 });
    await waitFor(() => t.router.table.servers.get(`${ns}/sim`)?.endpoints.length === 1, 30_000);
    const r = await fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: "sim",
        messages: [{ role: "user", content: "x" }],
        max_tokens: 2,
      }),
    });
    expect(r.status).toBe(200);
  });
});
