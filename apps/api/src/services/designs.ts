// Topology designs (xPyD): saved as immutable versions and rendered to Kthena objects.
import { z } from "zod";
import { NETWORKING_API_VERSION, WORKLOAD_API_VERSION, validateManifest } from "@tessera/shared";
import { DNS1035_LABEL, DNS1123_SUBDOMAIN, LABEL_NAME } from "@tessera/shared/api/common/names";
import { ApiError, notFound } from "../errors.ts";
import type { Repositories } from "../repositories/index.ts";
import type { AuditService, Caller } from "./audit.ts";
import { hashOf } from "./deployments.ts";
import type { Manifest } from "./deployments.ts";

// Kubernetes label syntax (apimachinery IsQualifiedName / IsValidLabelValue): a key is an optional
// DNS-subdomain prefix and "/", then a name; a value is empty or a name.
const NAME_CHARS = "alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
/** The label the render puts on every pod so the ModelServer can pair prefill and decode pods. */
const PD_ROLE_LABEL = "tessera.io/pd-role";
const MAX_POD_LABELS = 64;

/** Why `key` is not a Kubernetes label key, or undefined when it is one. */
function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf("/");
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined) {
    if (name.includes("/")) return 'must have at most one "/" (prefix/name)';
    if (prefix === "") return "prefix must not be empty";
    if (prefix.length > 253) return "prefix must be at most 253 characters";
    if (!DNS1123_SUBDOMAIN.test(prefix))
      return "prefix must be a DNS subdomain (lower-case alphanumerics, '-' or '.')";
  }
  if (name === "") return "name must not be empty";
  if (name.length > 63) return "name must be at most 63 characters";
  if (!LABEL_NAME.test(name)) return `name must consist of ${NAME_CHARS}`;
  // Set on every pod by the render (pd-role) or the controller (modelserving.volcano.sh/*, which
  // overwrites template labels); a design's own value would be dropped without a word.
  if (key === PD_ROLE_LABEL) return "is set by Tessera from the role kind";
  if (prefix === "modelserving.volcano.sh")
    return "is set on every pod by the ModelServing controller";
  return undefined;
}

/** Why `value` is not a Kubernetes label value, or undefined when it is one. */
function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return "must be at most 63 characters";
  if (value !== "" && !LABEL_NAME.test(value)) return `must be empty or consist of ${NAME_CHARS}`;
  return undefined;
}

const PodLabelsSchema = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  const entries = Object.entries(labels);
  if (entries.length > MAX_POD_LABELS)
    ctx.addIssue({ code: "custom", message: `must have at most ${MAX_POD_LABELS} labels` });
  for (const [key, value] of entries) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) ctx.addIssue({ code: "custom", path: [key], message: `key ${keyProblem}` });
    const valueProblem = labelValueProblem(value);
    if (valueProblem)
      ctx.addIssue({ code: "custom", path: [key], message: `value ${valueProblem}` });
  }
});

export const DesignRoleSchema = z.strictObject({
  name: z.string().min(1).max(12).regex(DNS1035_LABEL, "must be a DNS-1035 label"),
  /** prefill / decode roles are paired by the router (PD disaggregation); mixed does both. */
  kind: z.enum(["prefill", "decode", "mixed"]),
  replicas: z.int().min(0).max(1000),
  tensorParallel: z.int().min(1).max(64).default(1),
  pipelineParallel: z.int().min(1).max(64).default(1),
  gpusPerPod: z.int().min(0).max(16).default(1),
  /** Gang minimum for this role (relaxed gang); absent = all replicas (strict gang). */
  minReplicas: z.int().min(0).optional(),
  // Fields added after designs were first saved (workerReplicas, podLabels, routing) are optional
  // without a zod default: absent means the behaviour from before they existed, so a stored spec
  // parses (and hashes) exactly as it did — an old version loads unchanged, re-saving it is no-op.
  workerReplicas: z
    .int()
    .min(0)
    .max(1000)
    .optional()
    .describe(
      "Worker pods per role replica (besides the entry pod). Default: TP×PP ÷ gpusPerPod − 1.",
    ),
});

export const TopologyPolicySchema = z.strictObject({
  mode: z.enum(["hard", "soft"]).default("hard"),
  highestTierAllowed: z.int().min(0).max(10),
});

export const DesignSpecSchema = z
  .strictObject({
    model: z
      .string()
      .min(1)
      .max(253)
      .describe("Model name clients request (ModelRoute modelName)."),
    modelUri: z.string().max(1000).optional().describe("Weights location passed to the engine."),
    engine: z.enum(["vLLM", "SGLang"]),
    image: z.string().min(1).optional(),
    /** Base name of the rendered objects (DNS label). */
    name: z.string().min(1).max(40).regex(DNS1035_LABEL, "must be a DNS-1035 label"),
    namespace: z
      .string()
      .min(1)
      .max(63)
      .regex(DNS1035_LABEL, "must be a DNS label")
      .default("default"),
    servingGroups: z.int().min(0).max(1000).default(1),
    roles: z.array(DesignRoleSchema).min(1).max(8),
    gang: z.enum(["strict", "relaxed", "none"]).default("strict"),
    // See workerReplicas on why these have no zod default.
    podLabels: PodLabelsSchema.optional().describe(
      "Extra labels on every pod (e.g. tessera.io/engine=sim: simulated engines on local clusters).",
    ),
    routing: z
      .boolean()
      .optional()
      .describe("Render a ModelServer and ModelRoute for the router. Default: true."),
    networkTopology: z
      .strictObject({
        group: TopologyPolicySchema.optional(),
        role: TopologyPolicySchema.optional(),
      })
      .optional(),
    autoscaling: z
      .strictObject({
        metric: z.string().min(1).default("kthena:num_requests_waiting"),
        targetValue: z.number().positive(),
        minReplicas: z.int().min(0),
        maxReplicas: z.int().min(1),
      })
      .refine((a) => a.maxReplicas >= a.minReplicas, {
        path: ["maxReplicas"],
        message: "must be ≥ minReplicas",
      })
      .optional(),
  })
  .superRefine((d, ctx) => {
    const names = new Set<string>();
    d.roles.forEach((r, i) => {
      if (names.has(r.name))
        ctx.addIssue({
          code: "custom",
          path: ["roles", i, "name"],
          message: `duplicate role name "${r.name}"`,
        });
      names.add(r.name);
      const gpus = r.tensorParallel * r.pipelineParallel;
      // Only a derived worker count needs whole pods; an explicit one is the designer's choice.
      if (r.workerReplicas === undefined && r.gpusPerPod > 0 && gpus % r.gpusPerPod !== 0) {
        ctx.addIssue({
          code: "custom",
          path: ["roles", i, "gpusPerPod"],
          message: `must divide tensorParallel × pipelineParallel (${gpus})`,
        });
      }
      if (r.minReplicas !== undefined && r.minReplicas > r.replicas) {
        ctx.addIssue({
          code: "custom",
          path: ["roles", i, "minReplicas"],
          message: `must be ≤ replicas (${r.replicas})`,
        });
      }
    });
    const kinds = new Set(d.roles.map((r) => r.kind));
    if (kinds.has("prefill") !== kinds.has("decode")) {
      ctx.addIssue({
        code: "custom",
        path: ["roles"],
        message: "prefill and decode roles come together",
      });
    }
  });
export type DesignSpec = z.output<typeof DesignSpecSchema>;

const DEFAULT_IMAGE = {
  vLLM: "vllm/vllm-openai:latest",
  SGLang: "lmsysorg/sglang:latest",
} as const;
const ENGINE_PORT = { vLLM: 8000, SGLang: 30000 } as const;

/** Pods per role replica (entry + workers): as given, or TP×PP GPUs split into pods of gpusPerPod. */
export const podsPerReplica = (r: z.output<typeof DesignRoleSchema>): number =>
  r.workerReplicas !== undefined
    ? 1 + r.workerReplicas
    : r.gpusPerPod === 0
      ? 1
      : Math.max(1, (r.tensorParallel * r.pipelineParallel) / r.gpusPerPod);

/** Renders a design to Kthena objects: ModelServing, ModelServer + ModelRoute (unless routing is
 * false) and AutoscalingPolicy (with autoscaling). */
export function renderDesign(spec: DesignSpec): Manifest[] {
  const image = spec.image ?? DEFAULT_IMAGE[spec.engine];
  const port = ENGINE_PORT[spec.engine];
  const pd = spec.roles.some((r) => r.kind === "prefill");
  const podTemplate = (r: z.output<typeof DesignRoleSchema>, entry: boolean) => ({
    metadata: { labels: { ...spec.podLabels, [PD_ROLE_LABEL]: r.kind } },
    spec: {
      containers: [
        {
          name: entry ? "engine" : "worker",
          image,
          args: [
            ...(spec.engine === "vLLM"
              ? ["--model", spec.modelUri ?? spec.model, "--served-model-name", spec.model]
              : ["--model-path", spec.modelUri ?? spec.model, "--served-model-name", spec.model]),
            "--tensor-parallel-size",
            String(r.tensorParallel),
            "--pipeline-parallel-size",
            String(r.pipelineParallel),
          ],
          ports: [{ name: "http", containerPort: port }],
          ...(r.gpusPerPod > 0
            ? {
                resources: {
                  requests: { "nvidia.com/gpu": String(r.gpusPerPod) },
                  limits: { "nvidia.com/gpu": String(r.gpusPerPod) },
                },
              }
            : {}),
        },
      ],
    },
  });
  const roles = spec.roles.map((r) => {
    const workers = podsPerReplica(r) - 1;
    return {
      name: r.name,
      replicas: r.replicas,
      entryTemplate: podTemplate(r, true),
      workerReplicas: workers,
      ...(workers > 0 ? { workerTemplate: podTemplate(r, false) } : {}),
    };
  });
  const minRoleReplicas =
    spec.gang === "relaxed"
      ? Object.fromEntries(spec.roles.map((r) => [r.name, r.minReplicas ?? r.replicas]))
      : undefined;
  const nt = spec.networkTopology;
  const modelServing: Manifest = {
    apiVersion: WORKLOAD_API_VERSION,
    kind: "ModelServing",
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      schedulerName: spec.gang === "none" ? "default-scheduler" : "volcano",
      replicas: spec.servingGroups,
      template: {
        ...(minRoleReplicas ? { gangPolicy: { minRoleReplicas } } : {}),
        ...(nt && (nt.group || nt.role)
          ? {
              networkTopology: {
                ...(nt.group ? { groupPolicy: nt.group } : {}),
                ...(nt.role ? { rolePolicy: nt.role } : {}),
              },
            }
          : {}),
        roles,
      },
    },
  };
  const modelServer: Manifest = {
    apiVersion: NETWORKING_API_VERSION,
    kind: "ModelServer",
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      model: spec.model,
      inferenceEngine: spec.engine,
      workloadSelector: {
        matchLabels: { "modelserving.volcano.sh/name": spec.name },
        ...(pd
          ? {
              pdGroup: {
                groupKey: "modelserving.volcano.sh/group-name",
                prefillLabels: { [PD_ROLE_LABEL]: "prefill" },
                decodeLabels: { [PD_ROLE_LABEL]: "decode" },
              },
            }
          : {}),
      },
      workloadPort: { port },
    },
  };
  const modelRoute: Manifest = {
    apiVersion: NETWORKING_API_VERSION,
    kind: "ModelRoute",
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      modelName: spec.model,
      rules: [{ name: "default", targetModels: [{ modelServerName: spec.name }] }],
    },
  };
  const out = spec.routing === false ? [modelServing] : [modelServing, modelServer, modelRoute];
  if (spec.autoscaling) {
    out.push({
      apiVersion: WORKLOAD_API_VERSION,
      kind: "AutoscalingPolicy",
      metadata: { name: spec.name, namespace: spec.namespace },
      spec: {
        metrics: [
          { name: spec.autoscaling.metric, targetValue: String(spec.autoscaling.targetValue) },
        ],
        homogeneousTarget: {
          target: { targetRef: { kind: "ModelServing", name: spec.name } },
          minReplicas: spec.autoscaling.minReplicas,
          maxReplicas: spec.autoscaling.maxReplicas,
        },
      },
    });
  }
  return out;
}

/** Renders and checks the result against the shared schemas (a rendering bug must not ship). */
export function renderAndValidate(spec: DesignSpec): {
  manifests: Manifest[];
  issues: { object: string; path: string; message: string }[];
} {
  const manifests = renderDesign(spec);
  const issues = manifests.flatMap((m) => {
    const r = validateManifest(m);
    return "skipped" in r || r.ok
      ? []
      : r.issues.map((i) => ({ object: `${m.kind}/${m.metadata.name}`, ...i }));
  });
  return { manifests, issues };
}

export function designsService(deps: { repos: Repositories; audit: AuditService }) {
  const { repos, audit } = deps;
  const getDesign = async (id: string) => {
    const d = await repos.designs.find(id);
    if (!d) throw notFound("design");
    return d;
  };
  return {
    async save(
      caller: Caller,
      input: {
        name: string;
        description?: string | undefined;
        note?: string | undefined;
        spec: DesignSpec;
      },
    ) {
      const rendered = renderAndValidate(input.spec);
      if (rendered.issues.length) {
        throw new ApiError(
          "API_ERR_VALIDATION",
          `design renders invalid objects: ${rendered.issues.map((i) => `${i.object} ${i.path}: ${i.message}`).join("; ")}`,
        );
      }
      const r = await repos.designs.saveVersion({
        name: input.name,
        description: input.description,
        note: input.note,
        spec: input.spec,
        specHash: hashOf(input.spec),
        userId: caller.actor?.type === "user" ? caller.actor.userId : null,
      });
      if (r.created) {
        await audit.record(caller, {
          action: "design.save",
          targetType: "TopologyDesign",
          targetId: r.design.id,
          after: { name: r.design.name, version: r.version.version, spec: input.spec },
        });
      }
      return { design: r.design, version: r.version.version, created: r.created };
    },
    list: () => repos.designs.list(),
    async get(id: string, version?: number) {
      const d = await getDesign(id);
      const v = await repos.designs.version(id, version ?? d.latestVersion);
      if (!v) throw notFound(`design version ${version ?? d.latestVersion}`);
      return {
        design: d,
        version: v.version,
        spec: DesignSpecSchema.parse(v.spec),
        versions: await repos.designs.versions(id),
      };
    },
    async render(id: string, version?: number) {
      const { spec, version: v } = await this.get(id, version);
      return { version: v, ...renderAndValidate(spec) };
    },
  };
}
export type DesignsService = ReturnType<typeof designsService>;
