import { ModelServingSchema, ModelServerSchema, ModelRouteSchema } from "@tessera/shared";
import { describe, expect, it } from "vitest";
import { cacheVolume, convertModelBooster, modelPath } from "./convert.ts";
import { boosterConditions, parseBooster } from "./reconciler.ts";

function booster(backend: Record<string, unknown>) {
  const r = parseBooster({
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "ModelBooster",
    metadata: { name: "demo", namespace: "ml", uid: "b-uid" },
    spec: {
      backend: {
        name: "backend1",
        modelURI: "hf://Qwen/Qwen2.5-0.5B-Instruct",
        cacheURI: "hostpath://tmp/cache",
        replicas: 1,
        ...backend,
      },
    },
  });
  if (!r.ok) throw new Error(r.message);
  return r.booster;
}

describe("convertModelBooster", () => {
  it("vLLM: one server role, download init container into the hashed cache dir, owner refs and managed-by label", () => {
    const b = booster({
      type: "vLLM",
      workers: [
        {
          type: "server",
          image: "vllm/vllm-openai-cpu:latest",
          replicas: 2,
          pods: 1,
          config: {
            "served-model-name": "qwen",
            "max-model-len": 2048,
            "enable-prefix-caching": "",
          },
        },
      ],
    });
    const { modelServing, modelServer, modelRoute } = convertModelBooster(b, {
      downloaderImage: "dl:1",
    });
    // Every child is a valid object of its kind.
    expect(ModelServingSchema.safeParse(modelServing).success).toBe(true);
    expect(ModelServerSchema.safeParse(modelServer).success).toBe(true);
    expect(ModelRouteSchema.safeParse(modelRoute).success).toBe(true);
    expect(modelServing.metadata?.name).toBe("demo-backend1");
    expect(modelServing.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "ModelBooster",
      name: "demo",
      uid: "b-uid",
      controller: true,
    });
    expect(modelServing.metadata?.labels).toEqual({
      "registry.volcano.sh/managed-by": "registry.volcano.sh",
    });
    const ms = ModelServingSchema.parse(modelServing);
    const role = ms.spec.template.roles[0];
    expect(role).toMatchObject({ name: "server", replicas: 2, workerReplicas: 0 });
    const spec = role?.entryTemplate.spec as unknown as {
      initContainers: { name: string; image: string; args: string[] }[];
      containers: { command: string[] }[];
      volumes: unknown[];
    };
    const dir = modelPath(
      "hf://Qwen/Qwen2.5-0.5B-Instruct",
      cacheVolume("hostpath://tmp/cache"),
    ).path;
    expect(dir).toMatch(/^\/tmp\/cache\/[a-z0-9]+$/);
    expect(spec.initContainers[0]).toMatchObject({
      name: "model-downloader",
      image: "dl:1",
      args: ["--source", "hf://Qwen/Qwen2.5-0.5B-Instruct", "--output-dir", dir],
    });
    expect(spec.containers[0]?.command).toEqual([
      "vllm",
      "serve",
      dir,
      "--served-model-name",
      "qwen",
      "--port",
      "8000",
      "--max-model-len",
      "2048",
      "--enable-prefix-caching",
    ]);
    expect(spec.volumes).toEqual([
      { name: "model-cache", hostPath: { path: "/tmp/cache", type: "DirectoryOrCreate" } },
    ]);
    expect(modelServer.spec).toMatchObject({
      model: "qwen",
      inferenceEngine: "vLLM",
      workloadSelector: { matchLabels: { "modelserving.volcano.sh/name": "demo-backend1" } },
      trafficPolicy: { retry: { attempts: 5 } },
    });
    expect(modelRoute.spec).toEqual({
      modelName: "qwen",
      rules: [{ name: "default", targetModels: [{ modelServerName: "demo-backend1" }] }],
    });
  });

  it("vLLM prefill/decode: two roles with KV transfer roles, multi-node workers, and a pdGroup selector", () => {
    const b = booster({
      type: "vLLMDisaggregated",
      workers: [
        { type: "prefill", replicas: 1, pods: 2 },
        { type: "decode", replicas: 3, pods: 1 },
      ],
    });
    const { modelServing, modelServer } = convertModelBooster(b);
    const ms = ModelServingSchema.parse(modelServing);
    expect(ms.spec.template.roles.map((r) => [r.name, r.replicas, r.workerReplicas])).toEqual([
      ["prefill", 1, 1],
      ["decode", 3, 0],
    ]);
    const cmd = (
      ms.spec.template.roles[0]?.entryTemplate.spec.containers[0] as unknown as {
        command: string[];
      }
    ).command;
    // Two pods per prefill replica: one vLLM on Ray, the entry starting the head, the worker joining.
    expect(cmd.slice(0, 4)).toEqual([
      "/bin/sh",
      "-c",
      'ray start --head --port=6379 --disable-usage-stats && exec "$@"',
      "engine",
    ]);
    expect(cmd.slice(4, 6)).toEqual(["vllm", "serve"]);
    expect(cmd.slice(-4)).toEqual([
      "--kv-transfer-config",
      JSON.stringify({ kv_connector: "NixlConnector", kv_role: "kv_producer" }),
      "--distributed-executor-backend",
      "ray",
    ]);
    const worker = ms.spec.template.roles[0]?.workerTemplate?.spec.containers[0] as unknown as {
      name: string;
      command: string[];
      ports?: unknown;
    };
    expect(worker.name).toBe("worker");
    expect(worker.command).toEqual(["ray", "start", "--block", "--address=$(ENTRY_ADDRESS):6379"]);
    expect(worker.ports).toBeUndefined();
    // A single-pod decode runs the server itself.
    const decode = ms.spec.template.roles[1]?.entryTemplate.spec.containers[0] as unknown as {
      command: string[];
    };
    expect(decode.command.slice(0, 2)).toEqual(["vllm", "serve"]);
    expect(decode.command.slice(-2)).toEqual([
      "--kv-transfer-config",
      JSON.stringify({ kv_connector: "NixlConnector", kv_role: "kv_consumer" }),
    ]);
    expect(modelServer.spec["workloadSelector"]).toMatchObject({
      pdGroup: {
        groupKey: "modelserving.volcano.sh/group-name",
        prefillLabels: { "modelserving.volcano.sh/role": "prefill" },
      },
    });
  });

  it("SGLang: sglang launch_server on port 30000, ModelServer engine SGLang", () => {
    const b = booster({ type: "SGLang", cacheURI: "pvc://models", workers: [{ type: "server" }] });
    const { modelServing, modelServer } = convertModelBooster(b);
    const ms = ModelServingSchema.parse(modelServing);
    const c = ms.spec.template.roles[0]?.entryTemplate.spec.containers[0] as unknown as {
      command: string[];
      ports: unknown[];
    };
    expect(c.command.slice(0, 3)).toEqual(["python3", "-m", "sglang.launch_server"]);
    expect(c.ports).toEqual([{ name: "http", containerPort: 30000 }]);
    expect(modelServer.spec).toMatchObject({
      inferenceEngine: "SGLang",
      workloadPort: { port: 30000 },
    });
    expect(cacheVolume("pvc://models")).toEqual({
      volume: { name: "model-cache", persistentVolumeClaim: { claimName: "models" } },
      mountPath: "/models",
    });
  });

  it("pvc:// models are mounted, not downloaded", () => {
    const b = booster({
      type: "vLLM",
      modelURI: "pvc:///weights/llama",
      cacheURI: undefined,
      workers: [{ type: "server" }],
    });
    const ms = ModelServingSchema.parse(convertModelBooster(b).modelServing);
    const spec = ms.spec.template.roles[0]?.entryTemplate.spec as unknown as {
      initContainers: unknown[];
      containers: { command: string[] }[];
    };
    expect(spec.initContainers).toEqual([]);
    expect(spec.containers[0]?.command[2]).toBe("/weights/llama");
  });
});

describe("booster conditions", () => {
  const now = "2026-01-01T00:00:00Z";
  it("Initialized then Active as the ModelServing becomes Available; Failed when it is invalid", () => {
    expect(
      boosterConditions([], undefined, undefined, 1, now).map((c) => [c.type, c.status]),
    ).toEqual([
      ["Initialized", "False"],
      ["Active", "False"],
      ["Failed", "False"],
    ]);
    const ms = {
      metadata: { name: "x" },
      status: { conditions: [{ type: "Available", status: "True" as const }] },
    };
    expect(boosterConditions([], ms, undefined, 1, now).map((c) => [c.type, c.status])).toEqual([
      ["Initialized", "True"],
      ["Active", "True"],
      ["Failed", "False"],
    ]);
    const bad = {
      metadata: { name: "x" },
      status: { conditions: [{ type: "Valid", status: "False" as const, message: "nope" }] },
    };
    expect(
      boosterConditions([], bad, undefined, 1, now).find((c) => c.type === "Failed"),
    ).toMatchObject({ status: "True", message: "nope" });
    expect(
      boosterConditions([], undefined, "bad uri", 1, now).find((c) => c.type === "Failed")?.status,
    ).toBe("True");
  });
});
