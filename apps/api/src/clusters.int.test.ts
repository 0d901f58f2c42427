// Two real local clusters ("east" with a HyperNode tree, "west"): registration with a sealed
// kubeconfig, inventory, applying the 2P4D ModelServing to both, status, drift, apply conflicts,
// deletion from one, tenant objects pushed to both, placement preview, and clusters that are down
// or slow failing on their own without blocking the rest.
import fs from "node:fs";
import net from "node:net";
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import type {} from "@tessera/local-cluster/testing/global-setup";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sha256Hex } from "./lib/crypto.ts";
import { createTestApp, fakeKubeconfig, unique } from "./testing/harness.ts";
import type { TestApp } from "./testing/harness.ts";

const kubeconfigs = inject("tesseraClusterKubeconfigs");
const haveClusters = Boolean(kubeconfigs["east"] && kubeconfigs["west"]);

const twoP4D = (name: string, replicas = 1) => ({
  apiVersion: "workload.serving.volcano.sh/v1alpha1",
  kind: "ModelServing",
  metadata: { name },
  spec: {
    schedulerName: "volcano",
    replicas,
    template: {
      networkTopology: { rolePolicy: { mode: "hard", highestTierAllowed: 1 } },
      roles: [
        {
          name: "prefill",
          replicas: 2,
          workerReplicas: 0,
          entryTemplate: {
            spec: {
              containers: [
                {
                  name: "engine",
                  image: "vllm/vllm-openai",
                  resources: {
                    requests: { "nvidia.com/gpu": "4" },
                    limits: { "nvidia.com/gpu": "4" },
                  },
                },
              ],
            },
          },
        },
        {
          name: "decode",
          replicas: 4,
          workerReplicas: 0,
          entryTemplate: {
            spec: {
              containers: [
                {
                  name: "engine",
                  image: "vllm/vllm-openai",
                  resources: {
                    requests: { "nvidia.com/gpu": "4" },
                    limits: { "nvidia.com/gpu": "4" },
                  },
                },
              ],
            },
          },
        },
      ],
    },
  },
});

type Result = { cluster: string; ok: boolean; error?: { code: string; message: string } };

describe.skipIf(!haveClusters)("clusters (two real local clusters)", () => {
  let t: TestApp;
  let admin: { token: string };
  const ids: Record<string, string> = {};
  const secrets: string[] = [];
  const texts: Record<string, string> = {};
  const suffix = unique("c");

  beforeAll(async () => {
    t = await createTestApp({ clusterTimeoutMs: 3000 });
    admin = await t.user("ADMIN");
    for (const name of ["east", "west"]) {
      const text = fs.readFileSync(kubeconfigs[name] ?? "", "utf8");
      texts[name] = text;
      const doc = parse(text) as {
        users: { user: { token?: string } }[];
        clusters: { cluster: Record<string, string> }[];
      };
      for (const u of doc.users) if (u.user.token) secrets.push(u.user.token);
      for (const c of doc.clusters)
        if (c.cluster["certificate-authority-data"])
          secrets.push(c.cluster["certificate-authority-data"]);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const kcOf = (name: string) => {
    const kc = new KubeConfig();
    kc.loadFromString(texts[name] ?? "");
    return kc;
  };

  it("registers both clusters, checks version, and never returns or logs the kubeconfig", async () => {
    for (const name of ["east", "west"]) {
      const res = await t.call("POST", "/v1/clusters", admin.token, {
        name: `${name}-${suffix}`,
        kubeconfig: texts[name],
        labels: { region: name },
      });
      expect(res.statusCode, res.body).toBe(200);
      const c = res.json<{
        id: string;
        status: string;
        kubernetesVersion: string;
        lastHealthyAt: string;
      }>();
      expect(c.status).toBe("HEALTHY");
      expect(c.kubernetesVersion).toMatch(/^v1\.\d+/);
      expect(c.lastHealthyAt).toBeTruthy();
      ids[name] = c.id;
    }
    const list = await t.call("GET", "/v1/clusters", admin.token);
    const check = await t.call("POST", `/v1/clusters/${ids["east"]}/check`, admin.token, {});
    expect(check.json<{ status: string }>().status).toBe("HEALTHY");
    for (const body of [
      list.body,
      check.body,
      (await t.call("GET", "/v1/audit?action=cluster.", admin.token)).body,
    ]) {
      for (const s of secrets) expect(body).not.toContain(s);
      expect(body).not.toContain("kubeconfig_ciphertext");
    }
    // Stored sealed: the ciphertext does not contain the token either.
    const sealed = await t.services.repos.clusters.sealedKubeconfig(ids["east"] ?? "");
    for (const s of secrets)
      expect(Buffer.from(sealed?.kubeconfigCiphertext ?? []).toString("latin1")).not.toContain(s);
  });

  it("reads inventory: nodes, GPUs, the HyperNode tree and Volcano queues", async () => {
    const res = await t.call("GET", `/v1/clusters/${ids["east"]}/inventory`, admin.token);
    expect(res.statusCode, res.body).toBe(200);
    const inv = res.json<{
      nodes: unknown[];
      gpus: { allocatable: number; free: number };
      hyperNodes: { name: string; tier: number }[];
      queues: { name: string }[];
    }>();
    expect(inv.nodes).toHaveLength(4);
    expect(inv.gpus.allocatable).toBe(32);
    expect(inv.hyperNodes.map((h) => h.tier).sort()).toEqual([1, 1, 2]);
    expect(inv.queues.map((q) => q.name)).toContain("default");
  });

  it("applies the 2P4D ModelServing to both clusters and shows status from each", async () => {
    const res = await t.call("POST", "/v1/deployments", admin.token, {
      clusterIds: [ids["east"], ids["west"]],
      namespace: "default",
      name: "pd-2p4d",
      manifests: [twoP4D("pd-2p4d")],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ results: Result[] }>().results.map((r) => r.ok)).toEqual([true, true]);
    const status = await t.call("GET", "/v1/deployments/default/pd-2p4d/status", admin.token);
    const rows =
      status.json<
        { cluster: string; ok: boolean; objects: { kind: string; present: boolean }[] }[]
      >();
    expect(rows.map((r) => [r.cluster, r.ok, r.objects[0]?.present]).sort()).toEqual([
      [`east-${suffix}`, true, true],
      [`west-${suffix}`, true, true],
    ]);
  });

  it("detects drift and reports apply conflicts with another field manager", async () => {
    const noDrift = await t.call("GET", "/v1/deployments/default/pd-2p4d/drift", admin.token);
    expect(noDrift.json<{ drifted: boolean }[]>().map((r) => r.drifted)).toEqual([false, false]);
    // Someone edits west by hand.
    await kcOf("west")
      .makeApiClient(CustomObjectsApi)
      .patchNamespacedCustomObject(
        {
          group: "workload.serving.volcano.sh",
          version: "v1alpha1",
          namespace: "default",
          plural: "modelservings",
          name: "pd-2p4d",
          body: { spec: { replicas: 3 } },
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
    const drift = await t.call(
      "GET",
      `/v1/deployments/default/pd-2p4d/drift?clusterIds=${ids["west"]}`,
      admin.token,
    );
    const west =
      drift.json<
        { drifted: boolean; drift: { path: string; applied: unknown; live: unknown }[] }[]
      >()[0];
    expect(west?.drifted).toBe(true);
    expect(west?.drift).toContainEqual({
      object: "ModelServing/pd-2p4d",
      path: "spec.replicas",
      applied: 1,
      live: 3,
    });
    const list = await t.call("GET", `/v1/deployments?clusterId=${ids["west"]}`, admin.token);
    expect(list.json<{ status: string }[]>()[0]?.status).toBe("DRIFTED");
    // Re-applying without force: west reports the conflict, east applies.
    const body = {
      clusterIds: [ids["east"], ids["west"]],
      namespace: "default",
      name: "pd-2p4d",
      manifests: [twoP4D("pd-2p4d")],
    };
    const conflicted = await t.call("POST", "/v1/deployments", admin.token, body);
    const results = conflicted.json<{ results: Result[] }>().results;
    expect(results.find((r) => r.cluster.startsWith("east"))?.ok).toBe(true);
    const w = results.find((r) => r.cluster.startsWith("west"));
    expect(w?.ok).toBe(false);
    expect(w?.error?.code).toBe("API_ERR_APPLY_CONFLICT");
    expect(w?.error?.message).toContain(".spec.replicas");
    const forced = await t.call("POST", "/v1/deployments", admin.token, { ...body, force: true });
    expect(forced.json<{ results: Result[] }>().results.map((r) => r.ok)).toEqual([true, true]);
    const clean = await t.call("GET", `/v1/deployments/default/pd-2p4d/drift`, admin.token);
    expect(clean.json<{ drifted: boolean }[]>().map((r) => r.drifted)).toEqual([false, false]);
  });

  it("deletes from one cluster only, with confirmation, and audits every step", async () => {
    const wrong = await t.call("POST", "/v1/deployments/default/pd-2p4d/delete", admin.token, {
      clusterIds: [ids["west"]],
      confirm: "nope",
    });
    expect(wrong.statusCode).toBe(412);
    const res = await t.call("POST", "/v1/deployments/default/pd-2p4d/delete", admin.token, {
      clusterIds: [ids["west"]],
      confirm: "pd-2p4d",
    });
    expect(res.json<{ results: (Result & { deleted: string[] })[] }>().results).toEqual([
      expect.objectContaining({ ok: true, deleted: ["ModelServing/pd-2p4d"] }),
    ]);
    const status = await t.call("GET", "/v1/deployments/default/pd-2p4d/status", admin.token);
    const rows = status.json<{ cluster: string }[]>();
    expect(rows.map((r) => r.cluster)).toEqual([`east-${suffix}`]);
    const live: unknown = await kcOf("west")
      .makeApiClient(CustomObjectsApi)
      .listNamespacedCustomObject({
        group: "workload.serving.volcano.sh",
        version: "v1alpha1",
        namespace: "default",
        plural: "modelservings",
      });
    expect(
      (live as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name),
    ).not.toContain("pd-2p4d");
    const audit = await t.call(
      "GET",
      `/v1/audit?clusterId=${ids["west"]}&action=deployment.`,
      admin.token,
    );
    const entries = audit.json<{ action: string; before: unknown; after: unknown }[]>();
    expect(entries.map((e) => e.action)).toEqual([
      "deployment.delete",
      "deployment.apply",
      "deployment.apply.failed",
      "deployment.apply",
    ]);
    expect(entries[0]?.before).toMatchObject({ manifests: [{ kind: "ModelServing" }] });
  });

  it("previews placement of the 2P4D on east's free GPUs and explains what does not fit", async () => {
    const one = await t.call("POST", "/v1/placement/preview", admin.token, {
      clusterId: ids["east"],
      modelServing: twoP4D("pv"),
    });
    expect(one.statusCode, one.body).toBe(200);
    const p1 = one.json<{
      placeable: boolean;
      groups: { status: string; pods: { node: string }[] }[];
    }>();
    expect(p1.placeable).toBe(true);
    expect(p1.groups[0]?.pods).toHaveLength(6);
    // east already runs pd-2p4d's objects, but no controller makes pods, so all 32 GPUs are free:
    // two groups need 48.
    const two = await t.call("POST", "/v1/placement/preview", admin.token, {
      clusterId: ids["east"],
      modelServing: twoP4D("pv", 2),
    });
    const p2 = two.json<{ placeable: boolean; groups: { status: string; reason?: string }[] }>();
    expect(p2.placeable).toBe(false);
    expect(p2.groups.map((g) => g.status)).toEqual(["Placed", "Unschedulable"]);
    expect(p2.groups[1]?.reason).toBeTruthy();
  });

  it("pushes tenants and API keys to both clusters as tessera.io objects", async () => {
    const tenant = await t.services.tenants.create(
      { actor: null },
      { slug: unique("acme"), name: "Acme" },
    );
    await t.services.quotas.set({ actor: null }, tenant.id, "*", {
      totalTokensPerMinute: 10000,
      requestsPerMinute: 60,
    });
    const { key, secret } = await t.services.keys.create(
      { actor: null },
      { tenantId: tenant.id, name: "k", models: ["llama"] },
    );
    const sync = await t.call("POST", "/v1/clusters/sync-tenants", admin.token, {});
    const mine = sync
      .json<(Result & { clusterId: string })[]>()
      .filter((r) => [ids["east"], ids["west"]].includes(r.clusterId));
    expect(mine.map((r) => r.ok)).toEqual([true, true]);
    for (const name of ["east", "west"]) {
      const custom = kcOf(name).makeApiClient(CustomObjectsApi);
      const tObj = (await custom.getNamespacedCustomObject({
        group: "tessera.io",
        version: "v1alpha1",
        namespace: "tessera-system",
        plural: "tenants",
        name: tenant.slug,
      })) as { spec: Record<string, unknown> };
      expect(tObj.spec).toMatchObject({
        weight: 1,
        suspended: false,
        quotas: [{ model: "*", totalTokensPerMinute: 10000, requestsPerMinute: 60 }],
      });
      const kObj = (await custom.getNamespacedCustomObject({
        group: "tessera.io",
        version: "v1alpha1",
        namespace: "tessera-system",
        plural: "apikeys",
        name: key.id,
      })) as { spec: Record<string, unknown> };
      expect(kObj.spec).toMatchObject({
        tenant: tenant.slug,
        keyHash: sha256Hex(secret),
        prefix: key.prefix,
        models: ["llama"],
        revoked: false,
      });
    }
    await t.services.keys.revoke({ actor: null }, tenant.id, key.id);
    await t.services.tenantSync.syncAll();
    const custom = kcOf("east").makeApiClient(CustomObjectsApi);
    const kObj = (await custom.getNamespacedCustomObject({
      group: "tessera.io",
      version: "v1alpha1",
      namespace: "tessera-system",
      plural: "apikeys",
      name: key.id,
    })) as { spec: { revoked: boolean } };
    expect(kObj.spec.revoked).toBe(true);
  });

  it("saves a topology design and deploys the rendered objects", async () => {
    const saved = await t.call("POST", "/v1/topologies", admin.token, {
      name: unique("design"),
      spec: {
        name: "qwen-pd",
        model: "qwen",
        engine: "SGLang",
        roles: [
          { name: "prefill", kind: "prefill", replicas: 1, tensorParallel: 2, gpusPerPod: 2 },
          { name: "decode", kind: "decode", replicas: 2, tensorParallel: 2, gpusPerPod: 1 },
        ],
        networkTopology: { group: { mode: "hard", highestTierAllowed: 2 } },
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const designId = saved.json<{ design: { id: string } }>().design.id;
    const preview = await t.call("POST", "/v1/placement/preview", admin.token, {
      clusterId: ids["east"],
      designId,
    });
    expect(preview.json<{ placeable: boolean }>().placeable).toBe(true);
    const deployed = await t.call("POST", `/v1/topologies/${designId}/deploy`, admin.token, {
      clusterIds: [ids["east"]],
    });
    expect(deployed.statusCode, deployed.body).toBe(200);
    expect(
      deployed.json<{ results: (Result & { applied: string[] })[] }>().results[0]?.applied,
    ).toEqual(["ModelServing/qwen-pd", "ModelServer/qwen-pd", "ModelRoute/qwen-pd"]);
    const status = await t.call("GET", "/v1/deployments/default/qwen-pd/status", admin.token);
    expect(
      status.json<{ objects: { present: boolean }[] }[]>()[0]?.objects.map((o) => o.present),
    ).toEqual([true, true, true]);
  });

  it("reports a down or slow cluster on its own, without blocking the others", async () => {
    const hang = net.createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => hang.listen(0, "127.0.0.1", () => r()));
    const port = (hang.address() as net.AddressInfo).port;
    try {
      const down = await t.call("POST", "/v1/clusters", admin.token, {
        name: `down-${suffix}`,
        kubeconfig: fakeKubeconfig("https://127.0.0.1:1"),
      });
      expect(down.statusCode).toBe(502);
      expect(down.json<{ error: { message: string } }>().error.message).toContain(
        `cluster down-${suffix}`,
      );
      const registered = await t.call("POST", "/v1/clusters", admin.token, {
        name: `down-${suffix}`,
        kubeconfig: fakeKubeconfig("https://127.0.0.1:1"),
        allowUnreachable: true,
      });
      expect(registered.json<{ status: string }>().status).toBe("UNREACHABLE");
      const slow = await t.call("POST", "/v1/clusters", admin.token, {
        name: `slow-${suffix}`,
        kubeconfig: fakeKubeconfig(`https://127.0.0.1:${port}`),
        allowUnreachable: true,
      });
      expect(slow.json<{ status: string; statusMessage: string }>().statusMessage).toContain(
        "timed out",
      );
      const downId = registered.json<{ id: string }>().id;
      const slowId = slow.json<{ id: string }>().id;
      await kcOf("east")
        .makeApiClient(CoreV1Api)
        .createNamespacedService({
          namespace: "default",
          body: {
            metadata: { name: "tessera-router", labels: { "tessera.io/component": "router" } },
            spec: { ports: [{ name: "http", port: 8080 }] },
          },
        });
      const started = Date.now();
      const res = await t.call(
        "GET",
        `/v1/routers?clusterIds=${ids["east"]},${downId},${slowId}`,
        admin.token,
      );
      expect(Date.now() - started).toBeLessThan(3000 + 2000);
      const byName = Object.fromEntries(
        res
          .json<
            (Result & {
              value?: { namespace: string; name: string; ports: { port: number }[] }[];
            })[]
          >()
          .map((r) => [r.cluster, r]),
      );
      expect(byName[`east-${suffix}`]?.ok).toBe(true);
      // Only "default": other files may add router Services elsewhere (e.g. the chart's, once labelled).
      expect(byName[`east-${suffix}`]?.value?.filter((r) => r.namespace === "default")).toEqual([
        expect.objectContaining({
          name: "tessera-router",
          ports: [expect.objectContaining({ port: 8080 })],
        }),
      ]);
      expect(byName[`down-${suffix}`]?.error?.code).toBe("API_ERR_CLUSTER_UNREACHABLE");
      expect(byName[`slow-${suffix}`]?.error?.code).toBe("API_ERR_CLUSTER_TIMEOUT");
      for (const id of [downId, slowId]) {
        const name = id === downId ? `down-${suffix}` : `slow-${suffix}`;
        expect(
          (await t.call("DELETE", `/v1/clusters/${id}?confirm=${name}`, admin.token)).statusCode,
        ).toBe(200);
      }
    } finally {
      hang.close();
    }
    // Nothing secret was logged during the whole file.
    const logs = t.logs.join("");
    for (const s of secrets) expect(logs).not.toContain(s);
  });
});
