// ModelBooster → ModelServing + ModelServer + ModelRoute (reference §2.6), as a pure function.
// Backends: vLLM (one "server" role), vLLM prefill/decode (roles "prefill" and "decode" with a KV
// transfer config) and SGLang. Multi-node engines (`pods` > 1) become entry + workers of a role,
// the workers joining the entry's engine (@tessera/shared's multiNodeArgv).
// The model is fetched by an init container into the cache named by cacheURI (pvc:// mounts the
// claim at /<claim>, hostpath:// mounts the host path, empty means an emptyDir), in a subdirectory
// named by a hash of the model URI so several models can share one cache.
import {
  LABEL_GROUP_NAME,
  LABEL_MANAGED_BY_REGISTRY,
  LABEL_MODEL_SERVING_NAME,
  LABEL_ROLE,
  multiNodeArgv,
  NETWORKING_API_VERSION,
  WORKLOAD_API_VERSION,
} from "@tessera/shared";
import type { EngineArgv, ModelBooster } from "@tessera/shared";
import type { KubeObject, OwnerReference } from "../k8s/types.ts";
import { fnv32a, safeEncode } from "../modelserving/hash.ts";

export type BackendType = ModelBooster["spec"]["backend"]["type"];
export type Booster = ModelBooster;

export const DEFAULT_DOWNLOADER_IMAGE = "ghcr.io/volcano-sh/kthena-downloader:latest";
const DEFAULT_IMAGES: Record<BackendType, string> = {
  vLLM: "vllm/vllm-openai:latest",
  vLLMDisaggregated: "vllm/vllm-openai:latest",
  SGLang: "lmsysorg/sglang:latest",
};

export interface BoosterChildren {
  modelServing: KubeObject & { spec: Record<string, unknown> };
  modelServer: KubeObject & { spec: Record<string, unknown> };
  modelRoute: KubeObject & { spec: Record<string, unknown> };
}

export interface CacheVolume {
  volume: Record<string, unknown>;
  mountPath: string;
}

export function cacheVolume(cacheURI: string | undefined): CacheVolume {
  if (cacheURI?.startsWith("pvc://")) {
    const claim = cacheURI.slice("pvc://".length).replace(/^\/+/, "").split("/")[0] ?? "";
    return {
      volume: { name: "model-cache", persistentVolumeClaim: { claimName: claim } },
      mountPath: `/${claim}`,
    };
  }
  if (cacheURI?.startsWith("hostpath://")) {
    const path = `/${cacheURI.slice("hostpath://".length).replace(/^\/+/, "").replace(/\/+$/, "")}`;
    return {
      volume: { name: "model-cache", hostPath: { path, type: "DirectoryOrCreate" } },
      mountPath: path,
    };
  }
  return { volume: { name: "model-cache", emptyDir: {} }, mountPath: "/cache" };
}

/** Where the engine finds the model: a hashed subdirectory of the cache, or the PVC path itself. */
export function modelPath(
  modelURI: string,
  cache: CacheVolume,
): { path: string; download: boolean; pvc?: { claim: string; mountPath: string } } {
  if (modelURI.startsWith("pvc://")) {
    const [claim = "", ...rest] = modelURI.slice("pvc://".length).replace(/^\/+/, "").split("/");
    return {
      path: `/${claim}/${rest.join("/")}`.replace(/\/+$/, ""),
      download: false,
      pvc: { claim, mountPath: `/${claim}` },
    };
  }
  return { path: `${cache.mountPath}/${safeEncode(fnv32a(modelURI))}`, download: true };
}

function servedModelName(b: Booster): string {
  const fromConfig = b.spec.backend.workers
    .map((w) => w.config?.["served-model-name"])
    .find((v) => typeof v === "string");
  if (typeof fromConfig === "string") return fromConfig;
  if (b.spec.name) return b.spec.name;
  const uri = b.spec.backend.modelURI.replace(/\/+$/, "");
  return uri.slice(uri.indexOf("://") + 3);
}

function engineArgs(config: Record<string, unknown> | undefined): string[] {
  const args: string[] = [];
  for (const [k, v] of Object.entries(config ?? {})) {
    if (k === "served-model-name") continue;
    if (v === "" || v === true) args.push(`--${k}`);
    else if (v === false || v === null || v === undefined) continue;
    else args.push(`--${k}`, typeof v === "string" ? v : JSON.stringify(v));
  }
  return args;
}

export function convertModelBooster(
  b: Booster,
  opts: { downloaderImage?: string } = {},
): BoosterChildren {
  const name = b.metadata.name ?? "";
  const namespace = b.metadata.namespace ?? "default";
  const backend = b.spec.backend;
  const type = backend.type;
  const owner: OwnerReference = {
    apiVersion: WORKLOAD_API_VERSION,
    kind: "ModelBooster",
    name,
    uid: b.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
  // Kthena: `registry.volcano.sh/managed-by=registry.volcano.sh` (a label value cannot contain "/").
  const labels = { [LABEL_MANAGED_BY_REGISTRY]: "registry.volcano.sh" };
  const msName = `${name}-${backend.name}`.toLowerCase();
  const served = servedModelName(b);
  const port = type === "SGLang" ? 30000 : 8000;
  const cache = cacheVolume(backend.cacheURI);
  const model = modelPath(backend.modelURI, cache);
  const volumes: Record<string, unknown>[] = [cache.volume];
  const mounts: Record<string, unknown>[] = [{ name: "model-cache", mountPath: cache.mountPath }];
  if (model.pvc) {
    volumes.push({
      name: "model-source",
      persistentVolumeClaim: { claimName: model.pvc.claim, readOnly: true },
    });
    mounts.push({ name: "model-source", mountPath: model.pvc.mountPath, readOnly: true });
  }
  const env = [...(backend.env ?? [])];
  const downloader = model.download
    ? [
        {
          name: "model-downloader",
          image: opts.downloaderImage ?? DEFAULT_DOWNLOADER_IMAGE,
          args: ["--source", backend.modelURI, "--output-dir", model.path],
          env,
          ...(backend.envFrom ? { envFrom: backend.envFrom } : {}),
          volumeMounts: mounts,
        },
      ]
    : [];

  const roleFor = (w: (typeof backend.workers)[number], roleName: string, extraArgs: string[]) => {
    const image = w.image ?? DEFAULT_IMAGES[type];
    const command =
      type === "SGLang"
        ? [
            "python3",
            "-m",
            "sglang.launch_server",
            "--model-path",
            model.path,
            "--served-model-name",
            served,
            "--host",
            "0.0.0.0",
            "--port",
            String(port),
          ]
        : ["vllm", "serve", model.path, "--served-model-name", served, "--port", String(port)];
    const pods = Math.max(1, w.pods ?? 1);
    // Workers of a multi-node engine join the entry's engine rather than serve one of their own.
    const argv = multiNodeArgv(
      type === "SGLang" ? "SGLang" : "vLLM",
      { command: [...command, ...engineArgs(w.config), ...extraArgs], args: [] },
      pods,
    );
    const container = (name: "engine" | "worker", launch: EngineArgv) => ({
      name,
      image,
      command: [...launch.command, ...launch.args],
      ...(name === "engine" ? { ports: [{ name: "http", containerPort: port }] } : {}),
      env,
      ...(backend.envFrom ? { envFrom: backend.envFrom } : {}),
      ...(w.resources ? { resources: w.resources } : {}),
      volumeMounts: mounts,
    });
    const podSpec = (c: ReturnType<typeof container>) => ({
      ...(backend.runtimeClassName ? { runtimeClassName: backend.runtimeClassName } : {}),
      ...(w.affinity ? { affinity: w.affinity } : {}),
      ...(w.tolerations ? { tolerations: w.tolerations } : {}),
      initContainers: downloader,
      containers: [c],
      volumes,
    });
    return {
      name: roleName,
      replicas: w.replicas ?? 1,
      entryTemplate: { metadata: { labels }, spec: podSpec(container("engine", argv.entry)) },
      workerReplicas: pods - 1,
      ...(pods > 1
        ? {
            workerTemplate: {
              metadata: { labels },
              spec: podSpec(container("worker", argv.worker)),
            },
          }
        : {}),
    };
  };

  const kvConfig = (role: "kv_producer" | "kv_consumer") => [
    "--kv-transfer-config",
    JSON.stringify({ kv_connector: "NixlConnector", kv_role: role }),
  ];
  const roles =
    type === "vLLMDisaggregated"
      ? backend.workers
          .filter((w) => w.type === "prefill" || w.type === "decode")
          .map((w) =>
            roleFor(w, w.type, kvConfig(w.type === "prefill" ? "kv_producer" : "kv_consumer")),
          )
      : backend.workers
          .filter((w) => w.type === "server")
          .slice(0, 1)
          .map((w) => roleFor(w, "server", []));

  const modelServing = {
    apiVersion: WORKLOAD_API_VERSION,
    kind: "ModelServing",
    metadata: { name: msName, namespace, labels, ownerReferences: [owner] },
    spec: {
      replicas: backend.replicas ?? 1,
      ...(backend.schedulerName ? { schedulerName: backend.schedulerName } : {}),
      template: { roles },
    },
  };
  const modelServer = {
    apiVersion: NETWORKING_API_VERSION,
    kind: "ModelServer",
    metadata: { name: msName, namespace, labels, ownerReferences: [owner] },
    spec: {
      model: served,
      inferenceEngine: type === "SGLang" ? "SGLang" : "vLLM",
      workloadSelector: {
        matchLabels: { [LABEL_MODEL_SERVING_NAME]: msName },
        ...(type === "vLLMDisaggregated"
          ? {
              pdGroup: {
                groupKey: LABEL_GROUP_NAME,
                prefillLabels: { [LABEL_ROLE]: "prefill" },
                decodeLabels: { [LABEL_ROLE]: "decode" },
              },
            }
          : {}),
      },
      workloadPort: { port, protocol: "http" },
      trafficPolicy: { retry: { attempts: 5, retryInterval: "100ms" } },
      ...(type === "vLLMDisaggregated" ? { kvConnector: { type: "nixl" } } : {}),
    },
  };
  const modelRoute = {
    apiVersion: NETWORKING_API_VERSION,
    kind: "ModelRoute",
    metadata: { name, namespace, labels, ownerReferences: [owner] },
    spec: {
      modelName: b.spec.name ?? served,
      rules: [
        {
          name: "default",
          ...(b.spec.modelMatch ? { modelMatch: b.spec.modelMatch } : {}),
          targetModels: [{ modelServerName: msName }],
        },
      ],
    },
  };
  return { modelServing, modelServer, modelRoute };
}
