import { beforeAll, describe, expect, it } from "vitest";
import { ensureHelm } from "./binaries.ts";
import { HelmError, lintChart, renderChart } from "./helm.ts";
import type { KubeObject } from "./helm.ts";

beforeAll(async () => {
  await ensureHelm();
});

const find = (objs: KubeObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
const kinds = (objs: KubeObject[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`).sort();
type Container = {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
  resources?: { requests?: Record<string, string> };
};
type PodSpec = {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  topologySpreadConstraints?: { topologyKey: string }[];
  volumes?: { name: string }[];
  serviceAccountName?: string;
};
const podSpec = (d: KubeObject | undefined) =>
  (d as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;

const FULL = {
  api: {
    enabled: true,
    kubeconfigKeySecret: "tessera-kubeconfig-key",
    database: { url: "postgres://tessera@db:5432/tessera" },
  },
  console: { enabled: true },
  redis: { mode: "internal" },
  metrics: { serviceMonitor: { enabled: true }, grafanaDashboard: { enabled: true } },
};

describe("helm lint", () => {
  it("passes --strict with the defaults and with everything enabled", async () => {
    await expect(lintChart()).resolves.toContain("0 chart(s) failed");
    await expect(lintChart({ values: FULL })).resolves.toContain("0 chart(s) failed");
  });
});

describe("helm template", () => {
  it("renders the controller and router by default, nothing of api/console/redis", async () => {
    const objs = await renderChart({ releaseName: "tessera" });
    const names = kinds(objs);
    expect(names).toContain("Deployment/tessera-controller");
    expect(names).toContain("Deployment/tessera-router");
    expect(names.filter((n) => n.startsWith("Deployment/"))).toHaveLength(2);
    expect(names).toContain("PodDisruptionBudget/tessera-router");
    expect(names.some((n) => n.startsWith("ServiceMonitor/"))).toBe(false);
    // The API discovers routers by this label and reads /debug/* on the port named "metrics".
    const svc = find(objs, "Service", "tessera-router") as unknown as {
      metadata: { labels: Record<string, string> };
      spec: { ports: { name: string }[] };
    };
    expect(svc.metadata.labels["tessera.io/component"]).toBe("router");
    expect(svc.spec.ports.map((p) => p.name)).toContain("metrics");
    expect(names.some((n) => n.startsWith("CustomResourceDefinition/"))).toBe(false);
    // Every object has the release's namespace (cluster-scoped RBAC aside).
    for (const o of objs)
      if (!["ClusterRole", "ClusterRoleBinding"].includes(o.kind))
        expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe("tessera-system");
  });

  it("includes every CRD from crds/ with --include-crds", async () => {
    const objs = await renderChart({ includeCrds: true });
    const crds = objs
      .filter((o) => o.kind === "CustomResourceDefinition")
      .map((o) => o.metadata.name);
    expect(crds).toEqual(
      expect.arrayContaining([
        "modelservings.workload.serving.volcano.sh",
        "modelboosters.workload.serving.volcano.sh",
        "modelroutes.networking.serving.volcano.sh",
        "modelservers.networking.serving.volcano.sh",
      ]),
    );
  });

  it("hardens every pod: non-root, read-only root filesystem, writable /tmp, requests, spread", async () => {
    const objs = await renderChart({ values: FULL });
    const deployments = objs.filter((o) => o.kind === "Deployment");
    expect(deployments).toHaveLength(5);
    for (const d of deployments) {
      const spec = podSpec(d);
      const id = d.metadata.name;
      expect(spec.securityContext?.["runAsNonRoot"], id).toBe(true);
      for (const c of spec.containers) {
        expect(c.securityContext?.["readOnlyRootFilesystem"], id).toBe(true);
        expect(c.securityContext?.["allowPrivilegeEscalation"], id).toBe(false);
        expect(c.resources?.requests?.["cpu"], id).toBeTruthy();
        expect(c.resources?.requests?.["memory"], id).toBeTruthy();
      }
      if (!id.endsWith("-redis")) {
        expect(
          spec.containers[0]?.volumeMounts?.map((m) => m.mountPath),
          id,
        ).toContain("/tmp");
        expect(
          spec.topologySpreadConstraints?.map((t) => t.topologyKey),
          id,
        ).toEqual(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
      }
    }
    expect(kinds(objs).filter((n) => n.startsWith("ServiceMonitor/"))).toEqual([
      "ServiceMonitor/tessera-api",
      "ServiceMonitor/tessera-controller",
      "ServiceMonitor/tessera-router",
    ]);
    const dash = find(objs, "ConfigMap", "tessera-dashboard") as { data?: Record<string, string> };
    expect((JSON.parse(dash.data?.["tessera.json"] ?? "{}") as { uid?: string }).uid).toBe(
      "tessera-overview",
    );
  });

  it("wires Redis into the router: internal service, external secret, or nothing", async () => {
    const envOf = (objs: KubeObject[]) =>
      podSpec(find(objs, "Deployment", "tessera-router")).containers[0]?.env ?? [];
    const none = await renderChart();
    expect(envOf(none).find((e) => e.name === "TESSERA_REDIS_URL")).toBeUndefined();
    const internal = await renderChart({ values: { redis: { mode: "internal" } } });
    expect(envOf(internal).find((e) => e.name === "TESSERA_REDIS_URL")?.value).toBe(
      "redis://tessera-redis:6379/0",
    );
    expect(find(internal, "Deployment", "tessera-redis")).toBeDefined();
    const external = await renderChart({
      values: { redis: { mode: "external", existingSecret: "my-redis", existingSecretKey: "uri" } },
    });
    expect(envOf(external).find((e) => e.name === "TESSERA_REDIS_URL")?.valueFrom).toEqual({
      secretKeyRef: { name: "my-redis", key: "uri" },
    });
    expect(find(external, "Deployment", "tessera-redis")).toBeUndefined();
  });

  it("uses the configured registry and tag, and the appVersion when no tag is given", async () => {
    const objs = await renderChart({
      values: {
        global: { imageRegistry: "registry.local:5000/t" },
        router: { image: { tag: "dev-1" } },
      },
    });
    expect(podSpec(find(objs, "Deployment", "tessera-router")).containers[0]?.image).toBe(
      "registry.local:5000/t/router:dev-1",
    );
    expect(podSpec(find(objs, "Deployment", "tessera-controller")).containers[0]?.image).toMatch(
      /^registry\.local:5000\/t\/controller:\d+\.\d+\.\d+/,
    );
  });

  it("renders no PodDisruptionBudget for a single replica (it would block node drains)", async () => {
    const objs = await renderChart({ values: { router: { replicaCount: 1 } } });
    expect(find(objs, "PodDisruptionBudget", "tessera-router")).toBeUndefined();
    expect(find(objs, "PodDisruptionBudget", "tessera-controller")).toBeDefined();
  });

  it("mounts a scheduler config and rolls the router when it changes", async () => {
    const cfg = (w: number) => ({
      router: {
        schedulerConfig: {
          plugins: [{ type: "least-request" }],
          profiles: [{ name: "default", plugins: [{ pluginRef: "least-request", weight: w }] }],
        },
      },
    });
    const a = await renderChart({ values: cfg(1) });
    const b = await renderChart({ values: cfg(2) });
    const ann = (objs: KubeObject[]) =>
      (
        find(objs, "Deployment", "tessera-router") as unknown as {
          spec: { template: { metadata: { annotations: Record<string, string> } } };
        }
      ).spec.template.metadata.annotations["checksum/scheduler-config"];
    expect(ann(a)).toBeTruthy();
    expect(ann(a)).not.toBe(ann(b));
    expect(find(a, "ConfigMap", "tessera-router-scheduler")).toBeDefined();
  });
});

describe("values.schema.json", () => {
  const rejects = async (values: Record<string, unknown>, message: RegExp) => {
    const err = await renderChart({ values }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HelmError);
    expect((err as HelmError).stderr).toMatch(message);
  };

  it("rejects unknown keys, wrong types and out-of-range values", async () => {
    await rejects({ router: { replicas: 2 } }, /additional properties 'replicas' not allowed/);
    await rejects({ controller: { replicaCount: "two" } }, /controller\/replicaCount/);
    await rejects({ router: { port: 70000 } }, /router\/port/);
    await rejects({ redis: { mode: "cluster" } }, /redis\/mode/);
    await rejects({ global: { imagePullPolicy: "Sometimes" } }, /imagePullPolicy/);
    await rejects(
      { controller: { resources: { requests: { cpu: "lots" } } } },
      /controller\/resources/,
    );
  });

  it("rejects external Redis without a URL or secret, and the API without its secrets", async () => {
    await rejects({ redis: { mode: "external" } }, /redis/);
    await rejects({ redis: { mode: "external", url: "http://x" } }, /redis\/url/);
    await rejects({ api: { enabled: true } }, /kubeconfigKeySecret is required/);
    await rejects(
      { api: { enabled: true, kubeconfigKeySecret: "k" } },
      /api.database.url or api.database.existingSecret is required/,
    );
  });
});
