import { describe, expect, it } from "vitest";
import {
  DesignSpecSchema,
  designYaml,
  podsPerReplica,
  renderAndValidate,
  renderDesign,
} from "./index.ts";

const design = (over: object = {}) =>
  DesignSpecSchema.parse({
    name: "llama-pd",
    model: "llama-3-70b",
    engine: "vLLM",
    servingGroups: 1,
    gang: "relaxed",
    roles: [
      {
        name: "prefill",
        kind: "prefill",
        replicas: 2,
        tensorParallel: 8,
        gpusPerPod: 4,
        minReplicas: 1,
      },
      { name: "decode", kind: "decode", replicas: 4, tensorParallel: 4, gpusPerPod: 4 },
    ],
    networkTopology: { role: { mode: "hard", highestTierAllowed: 1 } },
    autoscaling: { targetValue: 10, minReplicas: 1, maxReplicas: 4 },
    ...over,
  });

/** A role's pod templates as the render writes them. */
type RenderedRole = {
  name: string;
  workerReplicas: number;
  entryTemplate: {
    metadata: { labels: Record<string, string> };
    spec: { containers: Container[] };
  };
  workerTemplate?: {
    metadata: { labels: Record<string, string> };
    spec: { containers: Container[] };
  };
};
type Container = { command?: string[]; args: string[]; ports?: unknown; resources?: unknown };
const rolesOf = (spec: unknown) => (spec as { template: { roles: RenderedRole[] } }).template.roles;

describe("design render", () => {
  it("renders a 2P4D design to valid Kthena objects", () => {
    const { manifests, issues } = renderAndValidate(design());
    expect(issues).toEqual([]);
    expect(manifests.map((m) => m.kind)).toEqual([
      "ModelServing",
      "ModelServer",
      "ModelRoute",
      "AutoscalingPolicy",
    ]);
    const spec = manifests[0]?.spec as {
      schedulerName: string;
      template: { gangPolicy: unknown; networkTopology: unknown };
    };
    expect(spec.schedulerName).toBe("volcano");
    // Relaxed: a role without a minimum gangs all its replicas (Kthena's missing key).
    expect(spec.template.gangPolicy).toEqual({ minRoleReplicas: { prefill: 1, decode: 4 } });
    expect(spec.template.networkTopology).toEqual({
      rolePolicy: { mode: "hard", highestTierAllowed: 1 },
    });
    // TP 8 over 4-GPU pods: an entry and one worker per prefill replica.
    expect(rolesOf(manifests[0]?.spec).map((r) => [r.name, r.workerReplicas])).toEqual([
      ["prefill", 1],
      ["decode", 0],
    ]);
  });

  it("selects entry pods and pairs prefill with decode by role kind over NIXL (vLLM)", () => {
    const [serving, server] = renderDesign(
      design({
        roles: [
          { name: "pa", kind: "prefill", replicas: 1, tensorParallel: 8, gpusPerPod: 4 },
          { name: "da", kind: "decode", replicas: 1 },
        ],
      }),
    );
    expect(server?.spec).toMatchObject({
      workloadSelector: {
        matchLabels: {
          "modelserving.volcano.sh/name": "llama-pd",
          "modelserving.volcano.sh/entry": "true",
        },
        pdGroup: {
          groupKey: "modelserving.volcano.sh/group-name",
          prefillLabels: { "tessera.io/pd-role": "prefill" },
          decodeLabels: { "tessera.io/pd-role": "decode" },
        },
      },
      kvConnector: { type: "nixl" },
    });
    const [prefill, decode] = rolesOf(serving?.spec);
    const kv = (role: string) => [
      "--kv-transfer-config",
      JSON.stringify({ kv_connector: "NixlConnector", kv_role: role }),
    ];
    // TP 8 over two 4-GPU pods: one vLLM on Ray. The entry starts the Ray head, then the server
    // (its own argv after the script's $0) with the Ray executor; the worker joins the head.
    const entry = prefill?.entryTemplate.spec.containers[0];
    expect(entry?.command).toEqual([
      "/bin/sh",
      "-c",
      'ray start --head --port=6379 --disable-usage-stats && exec "$@"',
      "engine",
    ]);
    expect(entry?.args.slice(0, 5)).toEqual([
      "python3",
      "-m",
      "vllm.entrypoints.openai.api_server",
      "--model",
      "llama-3-70b",
    ]);
    expect(entry?.args.slice(-4)).toEqual([
      ...kv("kv_producer"),
      "--distributed-executor-backend",
      "ray",
    ]);
    expect(prefill?.workerTemplate?.spec.containers[0]).toMatchObject({
      name: "worker",
      command: ["ray", "start", "--block", "--address=$(ENTRY_ADDRESS):6379"],
      resources: { limits: { "nvidia.com/gpu": "4" } },
    });
    expect(prefill?.workerTemplate?.spec.containers[0]).not.toHaveProperty("args");
    // A single-pod vLLM keeps the image's entrypoint.
    expect(decode?.entryTemplate.spec.containers[0]?.command).toBeUndefined();
    expect(decode?.entryTemplate.spec.containers[0]?.args.slice(-2)).toEqual(kv("kv_consumer"));
    // Only the entry pod serves HTTP.
    expect(prefill?.entryTemplate.spec.containers[0]?.ports).toEqual([
      { name: "http", containerPort: 8000 },
    ]);
    expect(prefill?.workerTemplate?.spec.containers[0]?.ports).toBeUndefined();
  });

  it("launches SGLang with its own server, disaggregation mode and an outside-reachable host", () => {
    const [serving, server] = renderDesign(
      design({ engine: "SGLang", modelUri: "s3://weights/llama" }),
    );
    const entry = rolesOf(serving?.spec)[0]?.entryTemplate.spec.containers[0];
    expect(entry?.command).toEqual(["python3", "-m", "sglang.launch_server"]);
    expect(entry?.args).toEqual([
      "--model-path",
      "s3://weights/llama",
      "--served-model-name",
      "llama-3-70b",
      "--host",
      "0.0.0.0",
      "--port",
      "30000",
      "--tensor-parallel-size",
      "8",
      "--pipeline-parallel-size",
      "1",
      "--disaggregation-mode",
      "prefill",
      // TP 8 over two 4-GPU pods: SGLang's own multi-node launch, rank from the controller's env.
      "--dist-init-addr",
      "$(ENTRY_ADDRESS):20000",
      "--nnodes",
      "$(GROUP_SIZE)",
      "--node-rank",
      "$(WORKER_INDEX)",
    ]);
    const worker = rolesOf(serving?.spec)[0]?.workerTemplate?.spec.containers[0];
    expect(worker?.command).toEqual(entry?.command);
    expect(worker?.args).toEqual(entry?.args);
    // The router uses its SGLang bootstrap connector whatever kvConnector says.
    expect(server?.spec).not.toHaveProperty("kvConnector");
    expect(server?.spec).toMatchObject({ workloadPort: { port: 30000 } });
  });

  it("renders mixed roles without PD pairing or KV flags, and no gang without Volcano", () => {
    const [serving, server] = renderDesign(
      design({
        gang: "none",
        networkTopology: undefined,
        roles: [{ name: "m", kind: "mixed", replicas: 1, gpusPerPod: 0 }],
      }),
    );
    expect(serving?.spec).toMatchObject({ schedulerName: "default-scheduler" });
    expect(serving?.spec).not.toHaveProperty("template.gangPolicy");
    const entry = rolesOf(serving?.spec)[0]?.entryTemplate;
    expect(entry?.metadata.labels).toEqual({ "tessera.io/pd-role": "mixed" });
    expect(entry?.spec.containers[0]?.args.join(" ")).not.toMatch(/kv-transfer|disaggregation/);
    // No GPUs: no GPU requests at all (not "0").
    expect(entry?.spec.containers[0]?.resources).toBeUndefined();
    expect(server?.spec).not.toHaveProperty("workloadSelector.pdGroup");
    expect(server?.spec).not.toHaveProperty("kvConnector");
  });

  it("computes pods per role replica from TP × PP and GPUs per pod", () => {
    const role = { tensorParallel: 4, pipelineParallel: 2, gpusPerPod: 2 };
    expect(podsPerReplica(role)).toBe(4);
    expect(podsPerReplica({ ...role, workerReplicas: 0 })).toBe(1);
    expect(podsPerReplica({ ...role, gpusPerPod: 0 })).toBe(1);
  });

  it("puts pod labels on every entry and worker pod beside the PD label", () => {
    const { manifests, issues } = renderAndValidate(
      design({ podLabels: { "tessera.io/engine": "sim", team: "" } }),
    );
    expect(issues).toEqual([]);
    const prefill = rolesOf(manifests[0]?.spec)[0];
    const want = { "tessera.io/engine": "sim", team: "", "tessera.io/pd-role": "prefill" };
    expect(prefill?.entryTemplate.metadata.labels).toEqual(want);
    expect(prefill?.workerTemplate?.metadata.labels).toEqual(want);
  });

  it("renders the same YAML whatever the key order of the stored spec (jsonb reorders keys)", () => {
    const labels = { zeta: "1", "tessera.io/engine": "sim", a: "" };
    const reversed = (o: object) => Object.fromEntries(Object.entries(o).reverse());
    const one = design({
      podLabels: labels,
      networkTopology: { group: { mode: "soft", highestTierAllowed: 2 } },
    });
    const other = design({
      podLabels: reversed(labels),
      networkTopology: { group: reversed({ mode: "soft", highestTierAllowed: 2 }) },
    });
    expect(designYaml(renderDesign(other))).toBe(designYaml(renderDesign(one)));
    expect(
      Object.keys(rolesOf(renderDesign(one)[0]?.spec)[0]?.entryTemplate.metadata.labels ?? {}),
    ).toEqual(["a", "tessera.io/engine", "tessera.io/pd-role", "zeta"]);
  });

  it("renders a worker count that differs from TP×PP ÷ GPUs per pod", () => {
    // Derived: prefill TP8 over 4-GPU pods = 1 worker, decode TP4 over 4-GPU pods = 0 workers.
    const [prefill, decode] = design().roles;
    const spec = design({
      roles: [
        { ...prefill, workerReplicas: 0 },
        { ...decode, workerReplicas: 2 },
      ],
    });
    const { manifests, issues } = renderAndValidate(spec);
    expect(issues).toEqual([]);
    const roles = rolesOf(manifests[0]?.spec);
    expect(roles.map((r) => [r.name, r.workerReplicas, r.workerTemplate !== undefined])).toEqual([
      ["prefill", 0, false],
      ["decode", 2, true],
    ]);
    expect(spec.roles.map(podsPerReplica)).toEqual([1, 3]);
  });

  it("leaves out the ModelServer and ModelRoute when routing is off", () => {
    const { manifests, issues } = renderAndValidate(design({ routing: false }));
    expect(issues).toEqual([]);
    expect(manifests.map((m) => m.kind)).toEqual(["ModelServing", "AutoscalingPolicy"]);
    expect(renderDesign(design({ routing: true })).map((m) => m.kind)).toEqual([
      "ModelServing",
      "ModelServer",
      "ModelRoute",
      "AutoscalingPolicy",
    ]);
  });

  it("reports objects Kthena's schemas reject with the object and field", () => {
    const roles = ["a", "b", "c", "d", "e"].map((name) => ({ name, kind: "mixed", replicas: 1 }));
    const { issues } = renderAndValidate(design({ roles }));
    expect(issues).toContainEqual(
      expect.objectContaining({ object: "ModelServing/llama-pd", path: "spec.template.roles" }),
    );
  });
});
