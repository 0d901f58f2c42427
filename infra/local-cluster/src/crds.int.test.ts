// Tessera's CRDs (every file in infra/crds) on a real kube-apiserver: create, get and watch an object
// of each kind, and the apiserver itself enforcing the schemas' CEL rules with field paths.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  Watch,
} from "@kubernetes/client-node";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { readManifests } from "./kube.ts";
import { TESSERA_CRDS_DIR } from "./paths.ts";
import { crdEstablished } from "./kube.ts";
import { clusterKubeConfig, clusterState } from "./testing/kubeconfig.ts";

interface Crd extends KubernetesObject {
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string };
    versions: { name: string; storage: boolean; schema?: { openAPIV3Schema?: Schema } }[];
  };
}
interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  minimum?: number;
  minItems?: number;
  minLength?: number;
  default?: unknown;
  "x-kubernetes-int-or-string"?: boolean;
}

const container = { name: "engine", image: "vllm/vllm-openai:v0.9.0", args: ["--model", "qwen"] };

/** Valid objects per kind (spec only). Kinds without one get a schema-derived minimal spec. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  ModelServing: {
    replicas: 1,
    template: {
      roles: [
        {
          name: "server",
          replicas: 1,
          workerReplicas: 0,
          entryTemplate: { spec: { containers: [container] } },
        },
      ],
    },
  },
  ModelBooster: {
    backend: {
      name: "qwen",
      type: "vLLM",
      modelURI: "hf://Qwen/Qwen2.5-0.5B",
      workers: [{ type: "server", image: "vllm/vllm-openai:v0.9.0" }],
    },
  },
  ModelServer: {
    model: "qwen",
    inferenceEngine: "vLLM",
    workloadSelector: { matchLabels: { app: "qwen" } },
    workloadPort: { port: 8000 },
  },
  ModelRoute: {
    modelName: "qwen",
    rules: [{ name: "default", targetModels: [{ modelServerName: "qwen" }] }],
  },
  ApiKey: { tenant: "acme", keyHash: "ab".repeat(32), prefix: "tsk_acme", models: ["qwen"] },
  Tenant: { displayName: "Acme", weight: 1, quotas: [{ model: "qwen", requestsPerMinute: 60 }] },
  AutoscalingPolicy: {
    homogeneousTarget: { target: { targetRef: { name: "qwen" } }, minReplicas: 1, maxReplicas: 3 },
  },
};

/**
 * Samples shipped with the CRDs (infra/crds/samples/*.yaml, if the CRD generator writes them) take
 * precedence over the ones above, so a new CRD can bring its own valid example.
 */
function shippedSamples(): Record<string, Record<string, unknown>> {
  const dir = join(TESSERA_CRDS_DIR, "samples");
  if (!existsSync(dir)) return {};
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".yaml"))) {
    for (const o of readManifests(join(dir, f)) as (KubernetesObject & {
      spec?: Record<string, unknown>;
    })[]) {
      if (o.kind && o.spec && !out[o.kind]) out[o.kind] = o.spec;
    }
  }
  return out;
}

/** A minimal value satisfying the structural schema: required fields only. */
function minimal(s: Schema): unknown {
  if (s.default !== undefined) return s.default;
  if (s.enum?.length) return s.enum[0];
  if (s["x-kubernetes-int-or-string"]) return 1;
  switch (s.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) {
        const p = s.properties?.[key];
        if (p) out[key] = minimal(p);
      }
      return out;
    }
    case "array":
      return Array.from({ length: s.minItems ?? 0 }, () => (s.items ? minimal(s.items) : ""));
    case "integer":
    case "number":
      return Math.max(s.minimum ?? 1, 1);
    case "boolean":
      return false;
    default:
      return "x".repeat(Math.max(s.minLength ?? 1, 1));
  }
}

function loadCrds(): Crd[] {
  if (!existsSync(TESSERA_CRDS_DIR)) return [];
  return readdirSync(TESSERA_CRDS_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => readManifests(join(TESSERA_CRDS_DIR, f)))
    .filter((o): o is Crd => o.kind === "CustomResourceDefinition");
}

const crds = loadCrds();

function sampleFor(crd: Crd, name: string, namespace: string): Record<string, unknown> {
  const version = crd.spec.versions.find((v) => v.storage) ?? crd.spec.versions[0];
  const specSchema = version?.schema?.openAPIV3Schema?.properties?.spec;
  const kind = crd.spec.names.kind;
  const spec = shippedSamples()[kind] ?? SAMPLES[kind] ?? (specSchema ? minimal(specSchema) : {});
  return {
    apiVersion: `${crd.spec.group}/${version?.name ?? "v1alpha1"}`,
    kind: crd.spec.names.kind,
    metadata: { name, ...(crd.spec.scope === "Namespaced" ? { namespace } : {}) },
    spec,
  };
}

/** The apiserver's 422 Status: field paths and messages of each cause. */
function invalidCauses(e: unknown): { field: string; message: string }[] {
  expect(e).toBeInstanceOf(ApiException);
  const err = e as ApiException<unknown>;
  expect(err.code).toBe(422);
  const body = (typeof err.body === "string" ? JSON.parse(err.body) : err.body) as {
    details?: { causes?: { field?: string; message?: string }[] };
  };
  return (body.details?.causes ?? []).map((c) => ({
    field: c.field ?? "",
    message: c.message ?? "",
  }));
}

// With no CRDs in infra/crds yet, the suite is reported as skipped.
describe.skipIf(crds.length === 0)("Tessera CRDs on a real apiserver", () => {
  let kc: KubeConfig;
  let api: CustomObjectsApi;
  const namespace = `crds-${Date.now().toString(36)}`;
  const watchers: AbortController[] = [];

  /** CRD name → Established on the cluster. */
  const installed = new Map<string, boolean>();
  /** Why the apiserver refused a CRD at `up` (from the cluster state). */
  const rejected = (name: string) =>
    (clusterState("big")?.crdErrors ?? []).find((e) => e.startsWith(`${name}:`)) ?? "not installed";
  /**
   * Resolves with the object of the first ADDED event for `name` on `path`. The watch is restarted
   * after errors: a fresh CRD's watch cache answers 429 ("storage is initializing") until it is ready,
   * and @kubernetes/client-node's Watch does not retry by itself.
   */
  const watchForAdded = (path: string, name: string): Promise<KubernetesObject> =>
    new Promise((resolve, reject) => {
      const deadline = Date.now() + 30_000;
      let done = false;
      const start = () => {
        if (done) return;
        if (Date.now() > deadline) {
          reject(new Error(`no ADDED event for ${name} on ${path}`));
          return;
        }
        void new Watch(kc)
          .watch(
            path,
            {},
            (phase, obj: KubernetesObject) => {
              if (phase === "ADDED" && obj.metadata?.name === name && !done) {
                done = true;
                resolve(obj);
              }
            },
            () => setTimeout(start, 300),
          )
          .then(
            (ctl) => watchers.push(ctl),
            () => setTimeout(start, 300),
          );
      };
      start();
    });
  const requireInstalled = (crd: Crd) => {
    const name = crd.metadata?.name ?? "";
    if (!installed.get(name))
      throw new Error(`CRD ${name} is not served by the apiserver: ${rejected(name)}`);
  };

  beforeAll(async () => {
    kc = await clusterKubeConfig("big");
    api = kc.makeApiClient(CustomObjectsApi);
    for (const crd of (await kc.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition())
      .items) {
      installed.set(crd.metadata?.name ?? "", crdEstablished(crd));
    }
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(async () => {
    for (const w of watchers) w.abort();
    await kc?.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
  });

  it.each(crds.map((c) => [c.metadata?.name ?? "", c] as const))(
    "the apiserver accepts and serves %s",
    (_name, crd) => {
      requireInstalled(crd);
    },
  );

  it.each(crds.map((c) => [c.spec.names.kind, c] as const))(
    "%s: create, get and watch",
    async (_kind, crd) => {
      requireInstalled(crd);
      const version = crd.spec.versions.find((v) => v.storage) ?? crd.spec.versions[0];
      const ref = {
        group: crd.spec.group,
        version: version?.name ?? "",
        plural: crd.spec.names.plural,
      };
      const name = `sample-${crd.spec.names.plural.slice(0, 20)}`;
      const namespaced = crd.spec.scope === "Namespaced";
      const path = namespaced
        ? `/apis/${ref.group}/${ref.version}/namespaces/${namespace}/${ref.plural}`
        : `/apis/${ref.group}/${ref.version}/${ref.plural}`;
      const added = watchForAdded(path, name);
      const body = sampleFor(crd, name, namespace);
      const created = (
        namespaced
          ? await api.createNamespacedCustomObject({ ...ref, namespace, body })
          : await api.createClusterCustomObject({ ...ref, body })
      ) as KubernetesObject;
      expect(created.metadata?.uid).toBeTruthy();
      const got = (
        namespaced
          ? await api.getNamespacedCustomObject({ ...ref, namespace, name })
          : await api.getClusterCustomObject({ ...ref, name })
      ) as KubernetesObject & { spec?: unknown };
      expect(got.metadata?.uid).toBe(created.metadata?.uid);
      expect(got.spec).toMatchObject(body.spec as object);
      const event = await added;
      expect(event.metadata?.uid).toBe(created.metadata?.uid);
      if (!namespaced) await api.deleteClusterCustomObject({ ...ref, name });
    },
  );

  const modelServing = crds.find((c) => c.spec.names.kind === "ModelServing");
  describe.skipIf(!modelServing)("ModelServing CEL validation", () => {
    const ref = () => ({
      group: modelServing?.spec.group ?? "",
      version: modelServing?.spec.versions.find((v) => v.storage)?.name ?? "",
      plural: modelServing?.spec.names.plural ?? "",
    });
    const ms = (name: string, spec: Record<string, unknown>) => ({
      apiVersion: `${ref().group}/${ref().version}`,
      kind: "ModelServing",
      metadata: { name, namespace },
      spec,
    });

    beforeEach(() => {
      if (modelServing) requireInstalled(modelServing);
    });

    it("rejects workerReplicas > 0 without a workerTemplate at spec.template.roles[0].workerTemplate", async () => {
      const body = ms("no-worker-template", {
        replicas: 1,
        template: {
          roles: [
            {
              name: "prefill",
              replicas: 1,
              workerReplicas: 2,
              entryTemplate: { spec: { containers: [container] } },
            },
          ],
        },
      });
      const causes = await api.createNamespacedCustomObject({ ...ref(), namespace, body }).then(
        () => {
          throw new Error("the apiserver accepted an invalid ModelServing");
        },
        (e: unknown) => invalidCauses(e),
      );
      expect(causes).toContainEqual(
        expect.objectContaining({
          field: "spec.template.roles[0].workerTemplate",
          message: expect.stringContaining("required when workerReplicas > 0") as string,
        }),
      );
    });

    it("rejects duplicate role names at spec.template", async () => {
      const role = {
        name: "decode",
        replicas: 1,
        workerReplicas: 0,
        entryTemplate: { spec: { containers: [container] } },
      };
      const body = ms("dup-roles", { replicas: 1, template: { roles: [role, role] } });
      const causes = await api.createNamespacedCustomObject({ ...ref(), namespace, body }).then(
        () => {
          throw new Error("the apiserver accepted duplicate role names");
        },
        (e: unknown) => invalidCauses(e),
      );
      expect(
        causes.some((c) => c.field.startsWith("spec.template") && /unique/.test(c.message)),
      ).toBe(true);
    });

    it("accepts a valid ModelServing and a valid update of it", async () => {
      // The rejections above are therefore the rules at work, not a schema that rejects everything.
      const name = "transition";
      const body = ms(name, SAMPLES.ModelServing ?? {});
      await api.createNamespacedCustomObject({ ...ref(), namespace, body });
      const got = (await api.getNamespacedCustomObject({ ...ref(), namespace, name })) as {
        spec: { replicas: number };
      };
      got.spec.replicas = 2;
      const updated = (await api.replaceNamespacedCustomObject({
        ...ref(),
        namespace,
        name,
        body: got,
      })) as {
        spec: { replicas: number };
      };
      expect(updated.spec.replicas).toBe(2);
    });
  });
});
