import { describe, expect, it } from "vitest";
import { validationError } from "../errors.ts";
import { hashOf } from "./deployments.ts";
import { DesignSpecSchema, podsPerReplica, renderAndValidate, renderDesign } from "./designs.ts";

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

describe("topology designs", () => {
  it("render a 2P4D design to valid Kthena objects", () => {
    const { manifests, issues } = renderAndValidate(design());
    expect(issues).toEqual([]);
    expect(manifests.map((m) => m.kind)).toEqual([
      "ModelServing",
      "ModelServer",
      "ModelRoute",
      "AutoscalingPolicy",
    ]);
    const spec = manifests[0]?.spec as {
      template: {
        gangPolicy: unknown;
        roles: { name: string; replicas: number; workerReplicas: number }[];
      };
    };
    expect(spec.template.gangPolicy).toEqual({ minRoleReplicas: { prefill: 1, decode: 4 } });
    // TP 8 over 4-GPU pods: an entry and one worker per prefill replica.
    expect(spec.template.roles.map((r) => [r.name, r.replicas, r.workerReplicas])).toEqual([
      ["prefill", 2, 1],
      ["decode", 4, 0],
    ]);
    const server = manifests[1]?.spec as { workloadSelector: { pdGroup?: unknown } };
    expect(server.workloadSelector.pdGroup).toBeDefined();
  });

  it("compute pods per role replica from TP × PP and GPUs per pod", () => {
    expect(
      podsPerReplica({
        name: "x",
        kind: "mixed",
        replicas: 1,
        tensorParallel: 4,
        pipelineParallel: 2,
        gpusPerPod: 2,
      }),
    ).toBe(4);
  });

  it("reject inconsistent designs with field paths", () => {
    const r = DesignSpecSchema.safeParse({
      name: "x",
      model: "m",
      engine: "vLLM",
      roles: [
        { name: "prefill", kind: "prefill", replicas: -1, tensorParallel: 3, gpusPerPod: 2 },
        { name: "prefill", kind: "mixed", replicas: 1 },
      ],
    });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["roles.0.replicas"]));
  });
});

/** A role's pod templates as the render writes them (labels of the entry and the worker pods). */
type RenderedRole = {
  name: string;
  workerReplicas: number;
  entryTemplate: { metadata: { labels: Record<string, string> } };
  workerTemplate?: { metadata: { labels: Record<string, string> } };
};
const rolesOf = (spec: unknown) => (spec as { template: { roles: RenderedRole[] } }).template.roles;

/** `path: message` lines as the API reports a bad spec (see errors.ts validationError). */
const problems = (input: unknown): string[] => {
  const r = DesignSpecSchema.safeParse(input);
  return r.success
    ? []
    : (validationError(r.error).issues ?? []).map((i) => `${i.path}: ${i.message}`);
};

describe("design fields the designer keeps", () => {
  it("put pod labels on every entry and worker pod beside the PD label", () => {
    const { manifests, issues } = renderAndValidate(
      design({ podLabels: { "tessera.io/engine": "sim", team: "" } }),
    );
    expect(issues).toEqual([]);
    const prefill = rolesOf(manifests[0]?.spec)[0];
    const want = { "tessera.io/engine": "sim", team: "", "tessera.io/pd-role": "prefill" };
    expect(prefill?.entryTemplate.metadata.labels).toEqual(want);
    expect(prefill?.workerTemplate?.metadata.labels).toEqual(want);
    // The ModelServer still selects and pairs pods by the labels Tessera owns.
    const server = manifests[1]?.spec as { workloadSelector: unknown };
    expect(server.workloadSelector).toMatchObject({
      matchLabels: { "modelserving.volcano.sh/name": "llama-pd" },
      pdGroup: { prefillLabels: { "tessera.io/pd-role": "prefill" } },
    });
  });

  it("render a worker count that differs from TP×PP ÷ GPUs per pod", () => {
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

  it("accept GPUs per pod that do not divide TP×PP only with an explicit worker count", () => {
    const role = { name: "m", kind: "mixed", replicas: 1, tensorParallel: 3, gpusPerPod: 2 };
    const base = { name: "odd", model: "m", engine: "vLLM" };
    expect(problems({ ...base, roles: [role] })).toEqual([
      "roles[0].gpusPerPod: must divide tensorParallel × pipelineParallel (3)",
    ]);
    expect(problems({ ...base, roles: [{ ...role, workerReplicas: 1 }] })).toEqual([]);
  });

  it("leave out the ModelServer and ModelRoute when routing is off", () => {
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

  it("name the field of each invalid pod label, worker count and routing flag", () => {
    const chars = "alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
    expect(
      problems({
        name: "x",
        model: "m",
        engine: "vLLM",
        roles: [{ name: "m", kind: "mixed", replicas: 1, workerReplicas: -1 }],
        podLabels: {
          "Bad Key": "v",
          "Example.com/x": "v",
          "a/b/c": "v",
          [`n${"x".repeat(63)}`]: "v",
          "tessera.io/pd-role": "decode",
          "modelserving.volcano.sh/name": "other",
          team: "a b",
          "tessera.io/engine": "sim",
          empty: "",
        },
        routing: "no",
      }),
    ).toEqual([
      "roles[0].workerReplicas: must be ≥ 0",
      `podLabels["Bad Key"]: key name must consist of ${chars}`,
      `podLabels["Example.com/x"]: key prefix must be a DNS subdomain (lower-case alphanumerics, '-' or '.')`,
      `podLabels["a/b/c"]: key must have at most one "/" (prefix/name)`,
      `podLabels.n${"x".repeat(63)}: key name must be at most 63 characters`,
      `podLabels["tessera.io/pd-role"]: key is set by Tessera from the role kind`,
      `podLabels["modelserving.volcano.sh/name"]: key is set on every pod by the ModelServing controller`,
      `podLabels.team: value must be empty or consist of ${chars}`,
      "routing: must be boolean",
    ]);
    expect(problems({ ...design(), podLabels: { app: "v".repeat(64) } })).toEqual([
      "podLabels.app: value must be at most 63 characters",
    ]);
    expect(problems({ ...design(), podLabels: { n: 1 } })).toEqual(["podLabels.n: must be string"]);
  });

  it("load and render a spec saved before these fields existed unchanged", () => {
    // As stored in topology_design_versions.spec before workerReplicas, podLabels and routing.
    const stored = {
      model: "llama-3-8b",
      engine: "vLLM",
      name: "old-pd",
      namespace: "default",
      servingGroups: 1,
      roles: [
        {
          name: "prefill",
          kind: "prefill",
          replicas: 1,
          tensorParallel: 4,
          pipelineParallel: 1,
          gpusPerPod: 2,
        },
        {
          name: "decode",
          kind: "decode",
          replicas: 2,
          tensorParallel: 2,
          pipelineParallel: 1,
          gpusPerPod: 2,
        },
      ],
      gang: "strict",
    };
    const parsed = DesignSpecSchema.parse(structuredClone(stored));
    expect(parsed).toEqual(stored);
    expect(hashOf(parsed)).toBe(hashOf(stored)); // re-saving it is not a new version
    const template = (kind: string, container: string, tp: number) => ({
      metadata: { labels: { "tessera.io/pd-role": kind } },
      spec: {
        containers: [
          {
            name: container,
            image: "vllm/vllm-openai:latest",
            args: [
              "--model",
              "llama-3-8b",
              "--served-model-name",
              "llama-3-8b",
              "--tensor-parallel-size",
              String(tp),
              "--pipeline-parallel-size",
              "1",
            ],
            ports: [{ name: "http", containerPort: 8000 }],
            resources: {
              requests: { "nvidia.com/gpu": "2" },
              limits: { "nvidia.com/gpu": "2" },
            },
          },
        ],
      },
    });
    const metadata = { name: "old-pd", namespace: "default" };
    expect(renderDesign(parsed)).toEqual([
      {
        apiVersion: "workload.serving.volcano.sh/v1alpha1",
        kind: "ModelServing",
        metadata,
        spec: {
          schedulerName: "volcano",
          replicas: 1,
          template: {
            roles: [
              {
                name: "prefill",
                replicas: 1,
                entryTemplate: template("prefill", "engine", 4),
                workerReplicas: 1,
                workerTemplate: template("prefill", "worker", 4),
              },
              {
                name: "decode",
                replicas: 2,
                entryTemplate: template("decode", "engine", 2),
                workerReplicas: 0,
              },
            ],
          },
        },
      },
      {
        apiVersion: "networking.serving.volcano.sh/v1alpha1",
        kind: "ModelServer",
        metadata,
        spec: {
          model: "llama-3-8b",
          inferenceEngine: "vLLM",
          workloadSelector: {
            matchLabels: { "modelserving.volcano.sh/name": "old-pd" },
            pdGroup: {
              groupKey: "modelserving.volcano.sh/group-name",
              prefillLabels: { "tessera.io/pd-role": "prefill" },
              decodeLabels: { "tessera.io/pd-role": "decode" },
            },
          },
          workloadPort: { port: 8000 },
        },
      },
      {
        apiVersion: "networking.serving.volcano.sh/v1alpha1",
        kind: "ModelRoute",
        metadata,
        spec: {
          modelName: "llama-3-8b",
          rules: [{ name: "default", targetModels: [{ modelServerName: "old-pd" }] }],
        },
      },
    ]);
  });
});
